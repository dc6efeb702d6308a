"""The dev server's start-up, against the real `temporal` CLI."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from director import temporal
from director.errors import DemoError
from director.temporal import DevServer, free_port


def test_free_port_is_outside_the_range_for_outgoing_connections() -> None:
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for _ in range(50):
        port = free_port()
        assert 10000 <= port < low
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))  # free indeed


def test_dev_server_tries_again_when_a_port_it_picked_was_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = DevServer(tmp_path / "dev.db", ui=False)
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        # The first pick after this (the HTTP API port) is one that somebody else took.
        picks = iter([held.getsockname()[1]])
        monkeypatch.setattr(temporal, "free_port", lambda: next(picks, None) or free_port())
        try:
            server.start()
            assert server.running and server.answered
        finally:
            server.stop()
    assert next(picks, None) is None, "the taken port was never tried"


def test_a_busy_given_port_names_its_holder(tmp_path: Path) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        with pytest.raises(DemoError, match=rf"port {port} is busy: python\S* \(pid \d+\)"):
            DevServer(tmp_path / "dev.db", port, ui=False).start()
