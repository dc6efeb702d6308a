"""The Temporal service without a server: its configuration, what each kind (embedded or
existing) can do, and one that does not answer failing fast."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from director.devserver import DevServer, free_port, without_temporal_settings
from director.errors import DemoError, Status
from director.temporal import EmbeddedService, ExistingService, Service, connect_config
from tests.unit.conftest import FakeService


@pytest.fixture(autouse=True)
def no_temporal_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither this machine's Temporal variables nor its config file reach these tests."""
    for name in list(os.environ):
        if name.startswith("TEMPORAL_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(tmp_path / "none.toml"))


def test_environment_configuration_then_the_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    assert connect_config(None, None, None) == {"namespace": "default"}
    monkeypatch.setenv("TEMPORAL_ADDRESS", "temporal.example:7233")
    monkeypatch.setenv("TEMPORAL_NAMESPACE", "theirs")
    config = connect_config(None, None, None)
    assert (config["target_host"], config["namespace"]) == ("temporal.example:7233", "theirs")
    config = connect_config("mine:7233", "ours", None)
    assert (config["target_host"], config["namespace"]) == ("mine:7233", "ours")


def test_a_profile_from_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "temporal.toml").write_text('[profile.booth]\naddress = "booth:7233"\n')
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(tmp_path / "temporal.toml"))
    assert connect_config(None, None, "booth")["target_host"] == "booth:7233"
    service = Service.from_flags(tmp_path, profile="booth")
    assert isinstance(service, ExistingService) and not service.controllable
    assert service.child_env()["TEMPORAL_PROFILE"] == "booth"


def test_a_broken_config_file_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "temporal.toml").write_text("[profile.booth\n")
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(tmp_path / "temporal.toml"))
    with pytest.raises(DemoError, match="Temporal's environment configuration"):
        connect_config(None, None, None)


def test_the_embedded_server_keeps_temporal_settings_away_from_its_programs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEMPORAL_API_KEY", "secret")
    service = Service.from_flags(tmp_path)
    assert isinstance(service, EmbeddedService) and service.controllable
    assert "TEMPORAL_API_KEY" not in service.child_env()
    assert without_temporal_settings({"TEMPORAL_TLS": "1", "HOME": "/h"}) == {"HOME": "/h"}
    assert service.counter_args("w-1") == [
        "--workflow-id", "w-1", "--address", service.address, "--namespace", "default",
    ]  # fmt: skip


def test_web_ui_links(tmp_path: Path) -> None:
    embedded = Service.from_flags(tmp_path)
    ui = embedded.ui_url
    assert ui and ui.startswith("http://localhost:")
    assert embedded.workflow_url("w") == f"{ui}/namespaces/default/workflows/w"
    cloud = Service.from_flags(tmp_path, address="ns.a1b2c.tmprl.cloud:7233", namespace="ns.a1b2c")
    assert cloud.workflow_url("w") == "https://cloud.temporal.io/namespaces/ns.a1b2c/workflows/w"
    assert Service.from_flags(tmp_path, address="cluster:7233").workflow_url("w") is None


def test_a_dev_server_on_its_own_namespace(tmp_path: Path) -> None:
    service = Service.from_flags(tmp_path, namespace="talk")
    assert service._server.namespace == "talk"  # type: ignore[attr-defined]
    assert service.counter_args("w")[-2:] == ["--namespace", "talk"]
    assert DevServer(tmp_path / "a.db", ui=False).ui_url is None


def test_nothing_answering_fails_fast_and_says_where(tmp_path: Path) -> None:
    address = f"localhost:{free_port()}"
    service = Service.from_flags(tmp_path, address=address)
    assert not service.answers()
    assert not service.saved("w")
    with pytest.raises(DemoError, match="cannot reach Temporal at") as caught:
        service.start()
    assert caught.value.status == Status.UNREACHABLE
    with pytest.raises(DemoError, match="cannot read the history of w") as caught:
        service.history("w")
    assert caught.value.status == Status.UNREACHABLE
    service.close()


def test_an_existing_service_says_what_it_cannot_do(tmp_path: Path) -> None:
    service = Service.from_flags(tmp_path, address="cluster:7233")
    assert service.ready and not service.died and service.ignored == []
    assert service.storage_fault() is None and not service.trim(0)
    with pytest.raises(DemoError, match="cluster:7233 is not the show's to kill"):
        service.kill()
    with pytest.raises(DemoError, match="not the show's to start afresh"):
        service.afresh()
    service.close()


def test_an_embedded_service_is_trimmed_once_its_db_outgrows_the_limit(tmp_path: Path) -> None:
    service = Service.from_flags(tmp_path)
    assert not service.ready and not service.died, "nothing started yet"
    assert not service.trim(0), "no db file yet"
    (tmp_path / "temporal.db").write_bytes(b"x" * 100)
    (tmp_path / "temporal.db-wal").write_bytes(b"x")
    assert not service.trim(100)
    assert service.trim(99)
    assert list(tmp_path.glob("temporal.db*")) == [], "the next start begins from nothing"
    service.close()


@pytest.mark.parametrize("kind", [EmbeddedService, ExistingService])
def test_each_kind_and_the_fake_offer_the_whole_interface(kind: type[Service]) -> None:
    names = {*vars(Service), *Service.__annotations__}
    interface = {name for name in names if not name.startswith("_")} - {"from_flags"}
    assert {"controllable", "kill", "afresh", "storage_fault", "history"} <= interface
    assert not kind.__abstractmethods__, f"{kind.__name__} misses a part"
    fake = FakeService(existing=kind is ExistingService)
    missing = {name for name in interface if not hasattr(fake, name)}
    assert not missing, f"the unit fake lacks {missing}"
    assert fake.controllable == kind.controllable
