"""init: an editable copy of the default talk, never over a folder with something in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from director import TALK, cli, state_home
from director.errors import DemoError
from director.scenes import load_show
from director.talks import init


def test_init_writes_a_talk_that_loads_as_the_default_one(tmp_path: Path) -> None:
    written = init(tmp_path / "mytalk")
    names = {path.relative_to(tmp_path / "mytalk").as_posix() for path in written}
    assert {"README.md", "scenes/playlist.toml", "scenes/README.md"} <= names
    assert "counter/durable-execution/start-execution.py" in names
    assert not any("__pycache__" in name for name in names)
    mine = load_show(tmp_path / "mytalk" / "scenes", talk=tmp_path / "mytalk")
    default = load_show(TALK / "scenes", talk=TALK)
    assert [(s.title, s.steps) for s in mine.scenes] == [(s.title, s.steps) for s in default.scenes]
    assert "--talk" in (tmp_path / "mytalk" / "README.md").read_text()


def test_init_refuses_a_folder_with_something_in_it_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(DemoError, match="the folder is not empty") as refused:
        init(tmp_path)
    assert refused.value.status == 2
    init(tmp_path, force=True)
    assert (tmp_path / "notes.txt").read_text() == "mine" and (tmp_path / "scenes").is_dir()
    (tmp_path / "file").write_text("")
    with pytest.raises(DemoError, match="a file is in the way"):
        init(tmp_path / "file")


def test_a_talk_of_ones_own_keeps_its_state_in_its_own_folder(tmp_path: Path) -> None:
    assert cli.parse(["--talk", str(tmp_path)]).state_dir == tmp_path / ".state"
    assert cli.parse([]).state_dir == state_home()
    given = cli.parse(["--talk", str(tmp_path), "--state-dir", str(tmp_path / "s")])
    assert given.state_dir == tmp_path / "s"


def test_init_on_the_command_line_says_what_it_did(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["init", str(tmp_path / "t")]) == 0
    assert "play it with" in capsys.readouterr().out
    assert cli.main(["init", str(tmp_path / "t")]) == 2
    assert "the folder is not empty" in capsys.readouterr().err
