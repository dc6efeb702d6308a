from http import HTTPStatus
from pathlib import Path
from types import SimpleNamespace

import pytest
from websockets.datastructures import Headers
from websockets.http11 import Request
from websockets.server import ServerProtocol

from director import serving
from director.keys import Action, Press
from director.serving import CAP, PHONE, PHONES, ROUTES, Server
from director.streaming import Stream


class FakePublisher:
    def __init__(self, at: int = 3) -> None:
        self.state = {"at": at}
        self.pressed: list[Press] = []

    def press(self, press: Press) -> bool:
        self.pressed.append(press)
        return True


def server(tmp_path: Path, publisher: FakePublisher | None = None) -> Server:
    return Server("127.0.0.1", 0, Stream((80, 24), "t"), publisher, tmp_path)  # type: ignore[arg-type]


def request(server: Server, path: str, *, upgrade: bool = False, origin: str | None = None,
            host: str = "127.0.0.1:8765", others: int = 0,
            others_path: str | None = None) -> HTTPStatus | None:  # fmt: skip
    headers = Headers(Host=host)
    if upgrade:
        headers["Upgrade"] = "websocket"
    if origin is not None:
        headers["Origin"] = origin
    protocol = ServerProtocol()
    this = Request(path, headers)
    opened = [SimpleNamespace(request=Request(others_path or path, headers)) for _ in range(others)]
    connection = SimpleNamespace(respond=protocol.reject, request=this)
    connection.server = SimpleNamespace(all_connections=opened)  # the open ones: not this
    response = server._request(connection, this)  # type: ignore[arg-type]
    return None if response is None else HTTPStatus(response.status_code)


def test_every_route_needs_its_own_token_and_no_other(tmp_path: Path) -> None:
    shown = server(tmp_path)
    view, drive = shown.tokens["view"], shown.tokens["drive"]
    assert view != drive and len(view) >= 24
    for path, route in ROUTES.items():
        right, wrong = shown.tokens[route.token], (drive if route.token == "view" else view)
        upgrade = route.kind != "page"
        assert request(shown, f"{path}?token={wrong}", upgrade=upgrade) == HTTPStatus.FORBIDDEN
        assert request(shown, path, upgrade=upgrade) == HTTPStatus.FORBIDDEN
        assert request(shown, f"{path}?token=", upgrade=upgrade) == HTTPStatus.FORBIDDEN
        assert request(shown, f"{path}?token={right[:-1]}", upgrade=upgrade) == HTTPStatus.FORBIDDEN
        expected = HTTPStatus.OK if route.kind == "page" else None
        assert request(shown, f"{path}?token={right}", upgrade=upgrade) == expected, path
    assert request(shown, f"/elsewhere?token={view}") == HTTPStatus.NOT_FOUND


def test_the_drive_token_is_never_in_the_live_views_link(tmp_path: Path) -> None:
    shown = server(tmp_path)
    links = shown.links()
    assert shown.tokens["drive"] not in links["view"] and shown.tokens["view"] in links["view"]
    assert links["drive"].endswith(f"/notes?token={shown.tokens['drive']}")


def test_a_socket_from_another_origin_is_refused_and_a_page_needs_no_upgrade(
    tmp_path: Path,
) -> None:
    shown = server(tmp_path)
    stream = f"/live/stream?token={shown.tokens['view']}"
    assert request(shown, stream, upgrade=True, origin="http://127.0.0.1:8765") is None
    assert request(shown, stream, upgrade=True, origin="http://evil.example") == 403
    assert request(shown, stream, upgrade=True, origin="http://127.0.0.1:9999") == 403
    assert request(shown, stream, upgrade=True, origin="null") == 403
    assert request(shown, stream) == HTTPStatus.UPGRADE_REQUIRED, "a socket's path, plain GET"


def test_past_the_cap_a_request_is_let_go_with_503(tmp_path: Path) -> None:
    shown = server(tmp_path)
    page = f"/live?token={shown.tokens['view']}"
    assert request(shown, page, others=CAP - 1) == HTTPStatus.OK
    assert request(shown, page, others=CAP) == HTTPStatus.SERVICE_UNAVAILABLE


def test_a_crowd_of_viewers_never_locks_the_phone_out(tmp_path: Path) -> None:
    shown = server(tmp_path)
    phone = f"/notes/socket?token={shown.tokens['drive']}"
    crowd = f"/live/stream?token={shown.tokens['view']}"
    assert request(shown, phone, upgrade=True, others=CAP, others_path=crowd) is None
    assert request(shown, phone, upgrade=True, others=PHONES - 1) is None
    assert request(shown, phone, upgrade=True, others=PHONES) == HTTPStatus.SERVICE_UNAVAILABLE


def test_a_press_is_taken_once_and_only_on_the_step_it_was_pressed_on(tmp_path: Path) -> None:
    publisher = FakePublisher(at=3)
    shown = server(tmp_path, publisher)
    assert shown._press("next", 3, "a") is True
    assert shown._press("next", 3, "a") is False, "sent again after a reconnect"
    assert shown._press("next", 2, "b") is False, "pressed on the step before"
    assert shown._press("quit", 3, "c") is False, "the phone never quits"
    assert shown._press("back", 2, "e") is False, "back too"
    assert shown._press("back", 3, "f") is False, "a double tap: the show is leaving 3 already"
    publisher.state["at"] = 4  # the show took the press: it is somewhere else now
    assert shown._press("next", 4, "g") is True
    assert shown._press("blackout", 2, "d") is True, "a blackout whatever the step"
    assert shown._press("blackout", 3, "d") is False, "but once"
    assert publisher.pressed == [Press(Action.NEXT), Press(Action.NEXT), Press(Action.BLACKOUT)]


def test_without_a_notes_channel_a_press_does_nothing(tmp_path: Path) -> None:
    assert server(tmp_path)._press("next", None, "a") is False


def test_the_phones_buttons_are_keys_of_the_table_and_never_quit() -> None:
    assert all(press.action is not Action.QUIT for press in PHONE.values())
    assert {press.action.value for press in PHONE.values()} == set(PHONE)


@pytest.mark.parametrize("path", [path for path, route in ROUTES.items() if route.page])
def test_each_page_is_there_whole_with_its_player_if_it_plays(path: str) -> None:
    page = serving._page(ROUTES[path].page, "Talk <b>& co {{player_js}}")
    assert page.startswith("<!doctype html>") and page.count("{{") == 1
    assert "<title>Talk &lt;b&gt;&amp; co {{player_js}}: " in page, "the title, as text alone"
    assert ("AsciinemaPlayer" in page) == (path == "/live")
    sockets = [p for p, route in ROUTES.items() if route.kind != "page" and p.startswith(path)]
    assert sockets and all(socket in page for socket in sockets), "it opens its socket"


def test_a_busy_port_is_one_line_naming_the_flag(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = Server("127.0.0.1", port, Stream((80, 24), "t"), None, tmp_path)
        with pytest.raises(serving.DemoError, match=rf"--serve 127.0.0.1:{port}: cannot listen"):
            busy.start()


def test_the_stage_wakes_its_viewers_and_the_notes_wake_the_phones_each_alone(
    tmp_path: Path,
) -> None:
    import asyncio

    shown = server(tmp_path)
    viewer, phone = asyncio.Event(), asyncio.Event()
    shown._woken["stream"].add(viewer)
    shown._woken["notes"].add(phone)
    shown._wake("stream")  # a frame of the stage: 8 a second
    assert viewer.is_set() and not phone.is_set()
    viewer.clear()
    shown._wake("notes")  # a step, a claim, a blackout
    assert phone.is_set() and not viewer.is_set()
