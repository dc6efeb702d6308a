"""The dev server without starting it: its ports, and its faults read from its db file and log."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from director.devserver import DevServer, free_port
from director.errors import DemoError


def test_free_port_is_outside_the_range_for_outgoing_connections() -> None:
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for _ in range(50):
        port = free_port()
        assert 10000 <= port < low
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))  # free indeed


def test_a_busy_given_port_names_its_holder(tmp_path: Path) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        with pytest.raises(DemoError, match=rf"port {port} is busy: python\S* \(pid \d+\)"):
            DevServer(tmp_path / "dev.db", port, ui=False).start()


class Running:
    """Stands for the dev server's process while it runs."""

    def poll(self) -> None:
        return None


def test_a_dev_servers_storage_fault_is_read_from_its_db_file_and_its_log(tmp_path: Path) -> None:
    server = DevServer(tmp_path / "dev.db", ui=False)
    assert server.storage_fault() is None, "not running: nothing to say"
    server.process = Running()  # type: ignore[assignment]
    server.db_file.write_text("")
    server.log_file.write_text('level=ERROR msg="started"\n')
    assert server.storage_fault() is None
    with server.log_file.open("a") as log:
        log.write('error="UpdateShard: attempt to write a readonly database (1032)"\n')
    assert server.storage_fault() == "cannot write its db file"
    assert server.storage_fault() is None, "each line of the log is read once"
    server.db_file.unlink()
    assert server.storage_fault() == "lost its db file (it was deleted)"


def test_a_log_line_still_being_written_is_read_whole_next_time(tmp_path: Path) -> None:
    server = DevServer(tmp_path / "dev.db", ui=False)
    server.process = Running()  # type: ignore[assignment]
    server.db_file.write_text("")
    server.log_file.write_bytes(b'\xff\xfe not UTF-8\nerror="attempt to write a read')
    assert server.storage_fault() is None, "half a line says nothing yet"
    with server.log_file.open("ab") as log:
        log.write(b'only database (1032)"\n')
    assert server.storage_fault() == "cannot write its db file"
