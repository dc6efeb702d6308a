"""Who gets in to the web server, and where it listens: the connections at most (in all and
from one address, before they say anything), a WebSocket's origin, the links' address."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.server import ServerConnection

TCP_CAP = 64
"""Connections at once in any state (a client that opens one and says nothing holds it for
`open_timeout`): one more is closed as it comes, so no flood takes the show's descriptors."""
SILENT = 8
"""Connections from one address that have yet to send their request, at most."""


class Capped(ServerConnection):
    """A connection, unless TCP_CAP are open already, or SILENT from its address have yet to
    ask for anything: then it is closed before anything (no flood from one address locks
    the phone, on another, out)."""

    capped = False
    peer = ""

    def __init__(self, *args: Any, silent: Counter[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.silent = silent
        """How many connections from each address have asked for nothing yet (the server's)."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = str((transport.get_extra_info("peername") or ("",))[0])
        if len(self.server.handler_tasks) >= TCP_CAP or self.silent[peer] >= SILENT:
            self.capped = True
            transport.abort()
            return
        self.peer = peer
        self.silent[peer] += 1
        super().connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if not self.capped:
            super().data_received(data)
            if self.request is not None:
                self._spoke()

    def eof_received(self) -> None:
        if not self.capped:
            super().eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.capped:
            self._spoke()
            super().connection_lost(exc)

    def _spoke(self) -> None:
        if self.peer:
            self.silent[self.peer] -= 1
            if not self.silent[self.peer]:
                del self.silent[self.peer]
            self.peer = ""


def same_origin(origin: str, host: str | None) -> bool:
    """Whether a WebSocket's `Origin` is the page's own: its host and port are `Host`'s."""
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and host is not None and parts.netloc == host


def lan_address() -> str:
    """This machine's address on its network (no packet is sent), else loopback's."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 9))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def listening(host: str, port: int) -> dict[str, Any]:
    """Where serve() listens: IPv6's any address takes IPv4 too (asyncio would make it
    IPv6 alone, and the links, which carry the LAN's IPv4 address, would reach nothing)."""
    if host == "::":
        both = socket.has_dualstack_ipv6()
        return {
            "sock": socket.create_server((host, port), family=socket.AF_INET6, dualstack_ipv6=both)
        }
    return {"host": host or None, "port": port}
