"""The show on the web (--serve): the live view and the phone's notes, each behind a token of
its own, served by websockets on its own thread and loop, so that no client can slow the show."""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
import secrets
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from functools import lru_cache, partial
from http import HTTPStatus
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any, Literal
from urllib.parse import parse_qs

from websockets.asyncio.server import Server as WebServer
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from director import notes
from director.admission import Capped, lan_address, listening, same_origin
from director.errors import DemoError
from director.keys import Action, Press
from director.page import player_assets
from director.publisher import Publisher
from director.streaming import Stream

Token = Literal["view", "drive"]
CAP = 32
"""Open WebSockets at once with the view's token, at most: a request past them gets 503 and
is let go."""
PHONES = 8
"""The same with the drive's token: a room of their own, so that no crowd of viewers (the
view's link is anyone's) locks the presenter's phone out; room too for the sockets a phone
that changed networks left behind (each goes within `ping_timeout`)."""
MESSAGE = 512
"""The most bytes a client's message may have (a press is a few dozen)."""
PRESSES_KEPT = 256
"""How many presses are remembered by their id, so that one sent again does nothing."""
TICK = 1.0
"""How often the phone's clocks are sent again while nothing else changes."""
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
QUIET = logging.getLogger("counter-demo.serve")
"""websockets' log: a client's failed handshake is said on stderr otherwise, which is the
stage's terminal (and a write there that waits would hold the server up)."""
QUIET.addHandler(logging.NullHandler())
QUIET.propagate = False


@dataclass(frozen=True)
class Route:
    """A path the server answers: which token opens it, and what it is."""

    token: Token
    kind: Literal["page", "stream", "notes"]
    page: str = ""
    """The page's file in director/web/ (a page only)."""
    protocol: str | None = None
    """The WebSocket subprotocol it speaks, if one."""


ROUTES = {
    "/live": Route("view", "page", "live.html"),
    "/live/stream": Route("view", "stream", protocol="v2.asciicast"),
    "/notes": Route("drive", "page", "notes.html"),
    "/notes/socket": Route("drive", "notes"),
}
"""Every path the server answers; any other is 404, any request without its token 403."""
PHONE = {
    "next": Press(Action.NEXT),
    "back": Press(Action.BACK),
    "blackout": Press(Action.BLACKOUT),
}
"""What the phone's buttons may press: never quit."""
ON_ITS_STEP = {"next", "back"}
"""The presses taken only where they were pressed (the step, and each key the show has taken
on it), one at each place: a next pressed as the show moved on by itself, or a double tap,
would skip a step. A blackout is wanted wherever the show is."""
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # a token in the address goes nowhere else
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline' 'wasm-unsafe-eval'; "
    "style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'self'",
}


class Server:
    """The web server of one show: started before the stage, stopped with it. Its tokens
    are made afresh for each show; `links` are what the presenter is told once."""

    def __init__(self, host: str, port: int, stream: Stream, publisher: Publisher | None,
                 state_dir: Path) -> None:  # fmt: skip
        self.host, self.port = host, port
        self.stream = stream
        self.publisher = publisher
        self.state_dir = state_dir
        self.tokens: dict[Token, str] = {"view": secrets.token_urlsafe(18),
                                         "drive": secrets.token_urlsafe(18)}  # fmt: skip
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._failure: OSError | None = None
        self._stop: asyncio.Event | None = None
        self._server: WebServer | None = None
        self._woken: dict[str, set[asyncio.Event]] = {"stream": set(), "notes": set()}
        """An event for each client waiting for news, by its route's kind: a viewer's set
        when the stage draws, a phone's when the notes' state changes."""
        self._pressed: deque[str] = deque(maxlen=PRESSES_KEPT)
        self._following = 0
        """How many phones follow the show now."""
        self._moved_at: object = None
        """The place a next or back was taken at: the show is leaving it."""
        self._thread = threading.Thread(target=self._run, name="serve", daemon=True)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def start(self) -> Server:
        """Listen (DemoError if it cannot); the show's changes then reach the clients."""
        self._thread.start()
        self._ready.wait()
        if self._failure is not None:
            self._thread.join()
            self._loop.close()
            where = f"{self.host}:{self.port}"
            raise DemoError(f"--serve {where}: cannot listen there: {self._failure.strerror}")
        self.stream.changed = partial(self._changed, "stream")
        if self.publisher is not None:
            self.publisher.watch(partial(self._changed, "notes"))
        return self

    @property
    def beyond(self) -> bool:
        """Whether it listens beyond this machine."""
        return self.host not in LOOPBACK

    def links(self) -> dict[Token, str]:
        """The live view's link and the phone's, as a browser on the network reaches them."""
        host = lan_address() if self.host in ("0.0.0.0", "::", "") else self.host
        base = f"http://{f'[{host}]' if ':' in host else host}:{self.port}"
        return {"view": f"{base}/live?token={self.tokens['view']}",
                "drive": f"{base}/notes?token={self.tokens['drive']}"}  # fmt: skip

    def close(self) -> None:
        """Every client let go and the server stopped (at most a second or so)."""
        self.stream.changed = lambda: None
        if self._stop is not None and self._thread.is_alive():
            with contextlib.suppress(RuntimeError):  # its loop has ended already
                self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread.ident is not None:
            self._thread.join(timeout=5)

    def _changed(self, kind: str) -> None:
        """The stage or the notes' state changed (any thread): every client waiting for it
        is woken, none waited for."""
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody to tell
            self._loop.call_soon_threadsafe(self._wake, kind)

    def _wake(self, kind: str) -> None:
        for woken in self._woken[kind]:
            woken.set()

    def _run(self) -> None:
        try:
            self._loop.run_until_complete(self._serve())
        finally:
            self._ready.set()
            self._loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        # What goes wrong with a client is that client's alone: never said on the stage.
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: None)
        try:
            where = listening(self.host, self.port)
            server = await serve(
                self._connected, **where,
                process_request=self._request, select_subprotocol=self._protocol,
                server_header=None, compression=None, max_size=MESSAGE, max_queue=4,
                open_timeout=5, close_timeout=0.25, ping_interval=5, ping_timeout=10,
                create_connection=partial(Capped, silent=Counter()), logger=QUIET,
            )  # fmt: skip
        except OSError as error:
            self._failure = error
            return
        self._server = server
        self.port = server.sockets[0].getsockname()[1]  # port 0: the one it was given
        self._ready.set()
        async with server:
            await self._stop.wait()

    def _route(self, request: Request) -> tuple[Route | None, str]:
        path, _, query = request.path.partition("?")
        return ROUTES.get(path), parse_qs(query).get("token", [""])[0]

    def _request(self, connection: ServerConnection, request: Request) -> Response | None:
        """Every request, before it is anything: 404 for a path it does not serve, 403
        without the path's token (or from another origin), 503 past CAP; a page; or None
        for a WebSocket that may go on."""
        route, token = self._route(request)
        if route is None:
            return _answer(connection, HTTPStatus.NOT_FOUND, "Not found")
        if not secrets.compare_digest(token.encode(), self.tokens[route.token].encode()):
            return _answer(connection, HTTPStatus.FORBIDDEN, "Forbidden")
        if self._open(connection, route.token) >= (CAP if route.token == "view" else PHONES):
            return _answer(connection, HTTPStatus.SERVICE_UNAVAILABLE, "Too many connections")
        upgrade = request.headers.get("Upgrade", "").lower() == "websocket"
        if route.kind == "page":
            page = _page(route.page, self.stream.title)
            return _answer(connection, HTTPStatus.OK, page, "text/html")
        if not upgrade:
            return _answer(connection, HTTPStatus.UPGRADE_REQUIRED, "A WebSocket goes here")
        origin = request.headers.get("Origin")
        if origin is not None and not same_origin(origin, request.headers.get("Host")):
            return _answer(connection, HTTPStatus.FORBIDDEN, "Forbidden")
        return None

    def _open(self, connection: ServerConnection, token: Token) -> int:
        """How many WebSockets are open on a path of `token`'s (websockets counts one once
        its handshake is done: not this one)."""
        routes = (self._route(c.request)[0] for c in connection.server.all_connections if c.request)
        return sum(1 for route in routes if route is not None and route.token == token)

    def _protocol(self, connection: ServerConnection, offered: Any) -> Any:
        """The route's subprotocol when the client offers it (asciinema-player falls back
        to raw output otherwise); none for a route that speaks none."""
        route, _ = self._route(connection.request) if connection.request else (None, "")
        wanted = route.protocol if route is not None else None
        return wanted if wanted in offered else None

    async def _connected(self, connection: ServerConnection) -> None:
        assert connection.request is not None
        route, _ = self._route(connection.request)
        if route is None or route.kind not in self._woken:
            return
        woken = asyncio.Event()
        self._woken[route.kind].add(woken)
        try:
            if route.kind == "stream":
                await self._viewer(connection, woken)
            else:
                await self._phone(connection, woken)
        except ConnectionClosed:
            pass
        finally:
            self._woken[route.kind].discard(woken)

    async def _viewer(self, connection: ServerConnection, woken: asyncio.Event) -> None:
        """A live viewer: its header and the whole screen, then what the stage draws, as
        fast as it takes it (one that is behind gets the whole screen again)."""
        began = time.monotonic()
        seen, messages = self.stream.start()
        while True:
            for message in messages:
                await connection.send(message)
            if not await _until(woken, connection, None):
                return
            seen, messages = self.stream.since(seen, began)

    async def _phone(self, connection: ServerConnection, woken: asyncio.Event) -> None:
        """The phone's notes: where the show is, sent at each change and each TICK; the
        presses it sends, each taken once and only on the step it was pressed on."""
        reading = asyncio.ensure_future(self._presses(connection))
        plan = notes.planned(self.state_dir)  # read once a phone, as the notes screen does
        self._phones(+1)
        try:
            while not reading.done():
                await connection.send(json.dumps(self._where(plan)))
                if not await _until(woken, connection, TICK):
                    return
        finally:
            reading.cancel()
            self._phones(-1)

    def _phones(self, change: int) -> None:
        """One more phone follows the show, or one fewer: the notes screen says how many."""
        self._following += change
        if self.publisher is not None:
            self.publisher.publish(phones=self._following)

    async def _presses(self, connection: ServerConnection) -> None:
        async for message in connection:
            with contextlib.suppress(ValueError, TypeError, KeyError, AttributeError):
                press = json.loads(message)
                press_id = str(press["id"])[:64]
                done = self._press(str(press["press"]), press["at"], press_id)
                await connection.send(json.dumps({"pressed": press_id, "done": done}))

    def _press(self, name: str, at: object, press_id: str) -> bool:
        """Press it on the show, unless it was taken already, is no button of the phone's,
        or moves the show and was pressed where the show no longer is (or where another
        press moved it from already: a double tap is one next, not two)."""
        publisher = self.publisher
        if publisher is None or name not in PHONE or press_id in self._pressed:
            return False
        if name in ON_ITS_STEP:
            if at != publisher.state.get("at") or at == self._moved_at:
                return False
            self._moved_at = at
        self._pressed.append(press_id)
        return publisher.press(PHONE[name])

    def _where(self, plan: list[tuple[str, str, float]]) -> dict[str, Any]:
        """What the phone shows, as the notes screen words it (never the drive link), timed
        against the rehearsal's `plan`."""
        state = dict(self.publisher.state) if self.publisher is not None else {}
        return notes.phone_view(state, plan, time.time())


async def _until(woken: asyncio.Event, connection: ServerConnection, seconds: float | None) -> bool:
    """Wait until the show changes (or `seconds` pass); False if the client went away."""
    closed = asyncio.ensure_future(connection.wait_closed())
    waiting = asyncio.ensure_future(woken.wait())
    try:
        await asyncio.wait({closed, waiting}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone = closed.done()
        closed.cancel()
        waiting.cancel()
    woken.clear()
    return not gone


def _answer(
    connection: ServerConnection, status: HTTPStatus, body: str, kind: str = "text/plain"
) -> Response:
    response = connection.respond(status, body)
    response.headers["Content-Type"] = f"{kind}; charset=utf-8"
    for name, value in HEADERS.items():
        response.headers[name] = value
    return response


def _page(name: str, talk: str) -> str:
    """A page of director/web/ with the talk's title in it, and asciinema-player's script
    and styles if it plays."""
    before, after = _template(name)
    return before + html.escape(talk) + after


@lru_cache
def _template(name: str) -> tuple[str, str]:
    """A page of director/web/ on either side of its title, the player put in it if it plays:
    read and checked once, not at each request."""
    page = (resources.files("director.web") / name).read_text(encoding="utf-8")
    before, _, after = page.partition("{{title}}")  # the talk's title goes in one place alone
    if "{{player" in after:
        css, js = player_assets()
        after = after.replace("{{player_css}}", css).replace("{{player_js}}", js)
    return before, after
