"""The dev server's start-up, against the real `temporal` CLI."""

from __future__ import annotations

import socket
from pathlib import Path

import psutil
import pytest

from director import devserver
from director.devserver import DevServer, free_port
from director.temporal import Service


def test_dev_server_tries_again_when_a_port_it_picked_was_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = DevServer(tmp_path / "dev.db", ui=False)
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        # The first pick after this (the HTTP API port) is one that somebody else took.
        picks = iter([held.getsockname()[1]])
        monkeypatch.setattr(devserver, "free_port", lambda: next(picks, None) or free_port())
        try:
            server.start()
            assert server.running and server.answered
        finally:
            server.stop()
    assert next(picks, None) is None, "the taken port was never tried"


def connections_to(port: int) -> list:
    """This process's open TCP connections to `port` on this machine."""
    return [c for c in psutil.Process().net_connections("tcp") if c.raddr and c.raddr.port == port]


def test_one_client_per_service_reconnected_only_after_a_restart(tmp_path: Path) -> None:
    server = DevServer(tmp_path / "dev.db", ui=False)
    made = []
    config = server.connection._config
    server.connection._config = lambda: made.append(1) or config()
    try:
        server.start()
        made.clear()  # tries while the server came up; one of them connected
        service = Service.from_flags(tmp_path, address=server.address)
        service.connection = server.connection
        for _ in range(50):
            assert service.answers()
            assert not service.saved("no-such-workflow")
        assert len(connections_to(server.port)) == 1, "one connection, none left behind by a call"
        assert not made, "every call used the one client"
        server.kill()
        assert not server.connection.answers(timeout=1)
        server.start()  # same port, same db file: a new process, so a new client
        connects = len(made)
        assert connects >= 1 and server.connection.answers() and len(made) == connects
    finally:
        server.stop()
        server.connection.close()
