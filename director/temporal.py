"""The Temporal service the talk runs on, behind one interface: the embedded dev server, which
the show runs and so may kill, start again and start afresh, or an existing service it only uses."""

from __future__ import annotations

import os
import time
from abc import ABC, abstractmethod
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from temporalio.client import Client
from temporalio.envconfig import ClientConfig

from director.connection import Connection
from director.devserver import DevServer, without_temporal_settings
from director.errors import DemoError, Status
from director.record import Record, fetch


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


class Service(ABC):
    """Where durable counters run: what the show asks of Temporal, and what this one can do."""

    controllable: ClassVar[bool]
    """Whether the show runs it, so may kill it, start it again and start it afresh (scenes
    with a `server` step need that); else it is someone's, to be used and waited for."""

    def __init__(self, config: dict[str, Any], connection: Connection) -> None:
        self.config = config
        self.connection = connection
        """The one client of this service, for whoever talks to it from here."""

    @staticmethod
    def from_flags(
        state_dir: Path,
        address: str | None = None,
        namespace: str | None = None,
        profile: str | None = None,
        port: int | None = None,
    ) -> Service:
        """The service that the flags and Temporal's environment configuration name: an
        existing one where they give an address, else the dev server on demand."""
        config = connect_config(address, namespace, profile)
        if "target_host" in config:
            return ExistingService(config, profile)
        return EmbeddedService(config, state_dir / "temporal.db", port)

    @property
    @abstractmethod
    def address(self) -> str: ...

    @property
    def namespace(self) -> str:
        return self.config["namespace"]

    @property
    @abstractmethod
    def ignored(self) -> list[str]:
        """What Temporal's environment configuration gave that this service ignores."""

    @property
    @abstractmethod
    def ready(self) -> bool:
        """Whether nothing needs starting."""

    @property
    @abstractmethod
    def ui_url(self) -> str | None:
        """The Web UI the show started beside it, if it did."""

    def answers(self) -> bool:
        return self.connection.answers()

    def start(self) -> float:
        """Start it, or check it answers (DemoError if it cannot); seconds it took."""
        started = time.monotonic()
        self._start()
        return time.monotonic() - started

    @abstractmethod
    def _start(self) -> None: ...

    # What only a service the show runs can do; the other says it cannot, or has nothing to say.

    @property
    @abstractmethod
    def died(self) -> bool:
        """Whether it ran and stopped (by itself, or by kill())."""

    @abstractmethod
    def storage_fault(self) -> str | None:
        """Why it can no longer keep its state, if it cannot; None while all is well."""

    @abstractmethod
    def trim(self, max_bytes: int) -> bool:
        """Start it afresh when its db file outgrows `max_bytes`; whether it did."""

    @abstractmethod
    def afresh(self) -> None:
        """Stop it and delete its state: its next start begins from nothing."""

    @abstractmethod
    def kill(self) -> None:
        """SIGKILL, like a power cut: what was saved is kept for its next start."""

    # What a durable counter, a command or the stage asks of either.

    def history(self, workflow_id: str) -> list[tuple[int, str, datetime]]:
        """The workflow's events: id, type (e.g. TimerFired) and time, from the Temporal API."""
        return [(event.id, event.type, event.time) for event in self.record(workflow_id).events]

    def client_config(self) -> dict[str, Any]:
        """Client.connect's arguments for it now: for a client of one's own, off the show's
        thread (the history's follower)."""
        return self.connection.settings()

    def record(self, workflow_id: str) -> Record:
        """What Temporal recorded of the workflow: its events, and its history as JSON;
        DemoError if it cannot be read."""
        try:
            return self.connection.call(lambda client: fetch(client, workflow_id), timeout=10)
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

    @abstractmethod
    def child_env(self) -> dict[str, str]:
        """A durable counter's environment, its Temporal settings those of this service."""

    def workflow_url(self, workflow_id: str) -> str | None:
        """The Web UI page of a workflow, where there is a Web UI to link to."""
        if self.ui_url:
            base = self.ui_url
        elif self.address.endswith(".tmprl.cloud:7233"):
            base = "https://cloud.temporal.io"
        else:
            return None
        return f"{base}/namespaces/{self.namespace}/workflows/{workflow_id}"

    def close(self) -> None:
        self.connection.close()


class EmbeddedService(Service):
    """The dev server, started when a scene first needs it, with its own db file."""

    controllable = True

    def __init__(self, config: dict[str, Any], db_file: Path, port: int | None = None) -> None:
        self._server = DevServer(db_file, port, namespace=config["namespace"])
        super().__init__(config, self._server.connection)

    @property
    def address(self) -> str:
        return self._server.address

    @property
    def ignored(self) -> list[str]:
        """What Temporal's environment configuration gave (an API key, TLS...): it names no
        address, so it is not for this service."""
        return sorted(k for k in self.config if k != "namespace")

    @property
    def ready(self) -> bool:
        return self._server.running

    @property
    def ui_url(self) -> str | None:
        return self._server.ui_url

    def _start(self) -> None:
        self._server.start()

    @property
    def died(self) -> bool:
        return self._server.exited

    def storage_fault(self) -> str | None:
        """Its db file gone, or its log saying it cannot write it."""
        return self._server.storage_fault()

    def trim(self, max_bytes: int) -> bool:
        """Demo workflows are worth nothing after their round, and deleting them one by one
        does not shrink the db (the dev server keeps them for the namespace's 1-day retention)."""
        db_file = self._server.db_file
        if not db_file.exists() or db_file.stat().st_size <= max_bytes:
            return False
        self.afresh()
        return True

    def afresh(self) -> None:
        self._server.afresh()

    def kill(self) -> None:
        self._server.kill()

    def child_env(self) -> dict[str, str]:
        """No TEMPORAL_*: those are for some other service."""
        return without_temporal_settings(os.environ)

    def close(self) -> None:
        self._server.stop()
        super().close()


class ExistingService(Service):
    """Someone's Temporal service at a given address: used, checked, waited for; never ours
    to stop, start or trim."""

    controllable = False

    def __init__(self, config: dict[str, Any], profile: str | None = None) -> None:
        super().__init__(config, Connection(lambda: self.config))
        self.profile = profile

    @property
    def address(self) -> str:
        return self.config["target_host"]

    @property
    def ignored(self) -> list[str]:
        return []

    @property
    def ready(self) -> bool:
        return True  # nothing to start: whether it answers is asked apart

    @property
    def ui_url(self) -> str | None:
        return None

    def _start(self) -> None:
        if not self.answers():
            raise DemoError(
                f"cannot reach Temporal at {self.address} (namespace {self.namespace})",
                Status.UNREACHABLE,
            )

    @property
    def died(self) -> bool:
        return False  # it is not ours to run: it stops answering instead

    def storage_fault(self) -> str | None:
        return None  # its storage is not ours to watch

    def trim(self, max_bytes: int) -> bool:
        return False

    def afresh(self) -> None:
        raise DemoError(f"the Temporal service at {self.address} is not the show's to start afresh")

    def kill(self) -> None:
        raise DemoError(f"the Temporal service at {self.address} is not the show's to kill")

    def child_env(self) -> dict[str, str]:
        """Our profile, so the counter reads the same configuration."""
        return {**os.environ, **({"TEMPORAL_PROFILE": self.profile} if self.profile else {})}
