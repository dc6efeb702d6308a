"""init: an editable copy of the default talk, never over a folder with something in it."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from director import TALK, cli, state_home, talks
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


def _tree(folder: Path) -> dict[str, tuple[str, bytes | str | None]]:
    """Every name under `folder` (links not followed): its kind and its content or target."""
    tree = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            tree[name] = ("link", os.readlink(path))
        elif path.is_fifo():
            tree[name] = ("fifo", None)
        elif path.is_dir():
            tree[name] = ("dir", None)
        else:
            tree[name] = ("file", path.read_bytes())
    return tree


def _outside_folder(talk: Path, outside: Path, name: str) -> None:
    (outside / "mine.txt").write_text("mine")
    (talk / name).parent.mkdir(parents=True, exist_ok=True)
    (talk / name).symlink_to(outside, target_is_directory=True)


def _outside_file(talk: Path, outside: Path, name: str) -> None:
    (outside / "mine.txt").write_text("mine")
    (talk / name).parent.mkdir(parents=True, exist_ok=True)
    (talk / name).symlink_to(outside / "mine.txt")


IN_THE_WAY = {
    "a linked scenes folder": (_outside_folder, "scenes", "is a symlink"),
    "a linked folder below": (_outside_folder, "counter/normal-execution", "is a symlink"),
    "a linked README": (_outside_file, "README.md", "is a symlink"),
    "a linked playlist": (_outside_file, "scenes/playlist.toml", "is a symlink"),
    "a dangling link": (
        lambda t, o, n: (t / n).symlink_to(o / "gone"),
        "README.md",
        "is a symlink",
    ),
    "a FIFO at the README": (
        lambda t, _, n: os.mkfifo(t / n),
        "README.md",
        "is not a regular file",
    ),
    "a folder at the README": (lambda t, _, n: (t / n).mkdir(), "README.md", "is a folder"),
    "a file at scenes": (lambda t, _, n: (t / n).write_text("x"), "scenes", "is in the way"),
}


@pytest.mark.parametrize(("make", "name", "said"), IN_THE_WAY.values(), ids=IN_THE_WAY.keys())
def test_init_force_refuses_a_link_or_an_odd_file_before_writing_anything(
    make: Callable[[Path, Path, str], None], name: str, said: str, tmp_path: Path
) -> None:
    talk, outside = tmp_path / "talk", tmp_path / "outside"
    talk.mkdir()
    outside.mkdir()
    make(talk, outside, name)
    before, elsewhere = _tree(talk), _tree(outside)
    with pytest.raises(DemoError) as refused:
        init(talk, force=True)
    assert refused.value.status == 2
    assert str(refused.value).startswith(f"init {talk}: {talk / name} {said}")
    assert "\n" not in str(refused.value)
    assert _tree(outside) == elsewhere, "nothing outside the folder changed"
    assert _tree(talk) == before, "nothing was written before the refusal"


def test_init_replaces_a_hard_linked_file_instead_of_writing_into_it(tmp_path: Path) -> None:
    talk, outside = tmp_path / "talk", tmp_path / "outside.md"
    talk.mkdir()
    outside.write_text("mine")
    os.link(outside, talk / "README.md")
    init(talk, force=True)
    assert outside.read_text() == "mine", "the other name of the file is untouched"
    assert "counter-demo init" in (talk / "README.md").read_text()


def test_init_into_a_folder_given_as_a_link_writes_into_its_target(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    written = init(tmp_path / "link")
    assert (tmp_path / "real" / "scenes" / "playlist.toml").is_file()
    assert tmp_path / "link" / "scenes" / "playlist.toml" in written


def test_a_disk_that_fills_mid_way_leaves_every_file_whole_and_nothing_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "README.md").write_text("mine")
    init(tmp_path / "good")
    synced = []

    def fill(fd: int) -> None:
        synced.append(fd)
        if len(synced) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(talks.os, "fsync", fill)
    with pytest.raises(DemoError, match="No space left on device"):
        init(tmp_path, force=True)
    files = [path for path in tmp_path.rglob("*") if path.is_file() and "good" not in path.parts]
    assert (tmp_path / "README.md").read_text() == "mine", "not written over with half a file"
    assert len(files) == 3, "the two files written, and the README as it was"
    for path in files:
        if path.name != "README.md":
            good = tmp_path / "good" / path.relative_to(tmp_path)
            assert path.read_bytes() == good.read_bytes(), f"{path} is whole"


def test_init_writes_the_talks_files_as_they_are(tmp_path: Path) -> None:
    written = init(tmp_path / "t")
    for path in written:
        source = TALK / path.relative_to(tmp_path / "t")
        if path.name != "README.md" or path.parent.name == "scenes":
            assert path.read_bytes() == source.read_bytes()
            assert path.stat().st_mode & 0o777 == source.stat().st_mode & 0o777
    assert not [path for path in (tmp_path / "t").rglob(".*")], "nothing left aside"


@pytest.mark.parametrize("target", ["nowhere", "loop"])
def test_init_into_a_link_to_nothing_says_so(target: str, tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to(tmp_path / target)
    with pytest.raises(DemoError, match=r"a link to nothing \(or a symlink loop\) is in the way"):
        init(tmp_path / "loop")
    assert not (tmp_path / "nowhere").exists()


def test_a_link_made_after_the_check_is_still_not_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check runs first; a link that appears after it (or that it missed) is still never
    followed: a file is renamed over, a folder on the way is opened without following links."""
    talk, outside = tmp_path / "talk", tmp_path / "outside"
    (talk / "counter").mkdir(parents=True)
    outside.mkdir()
    (outside / "mine.txt").write_text("mine")
    monkeypatch.setattr(talks, "_in_the_way", lambda *_: None)
    (talk / "README.md").symlink_to(outside / "mine.txt")
    init(talk, force=True)
    assert not (talk / "README.md").is_symlink(), "the link replaced, not written through"
    (talk / "counter" / "durable-execution").rename(tmp_path / "moved")
    (talk / "counter" / "durable-execution").symlink_to(outside, target_is_directory=True)
    with pytest.raises(DemoError, match=r"durable-execution is a link or a file now: not followed"):
        init(talk, force=True)
    assert _tree(outside) == {"mine.txt": ("file", b"mine")}
    assert not [path for path in talk.rglob(".*")], "nothing left aside"
