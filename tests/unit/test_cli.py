"""The command line, short of playing: flags, --version, --list, and errors as one line."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from director import TALK, cli
from director.errors import Status
from tests.unit.conftest import MALFORMED, write_bad


@pytest.fixture(autouse=True)
def keep_signal_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    """main() installs its own signal handlers; the test process keeps pytest's."""
    monkeypatch.setattr(cli.signal, "signal", lambda *_: None)


@pytest.fixture
def called(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(cli.sys, "argv", ["counter-demo"])
    return "counter-demo"


def test_exit_statuses_are_named_once() -> None:
    assert [int(s) for s in Status] == [0, 1, 2, 3, 130]


def test_version_names_the_program_as_called(
    called: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.parse(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"counter-demo {cli.version()}"
    assert cli.version()[0].isdigit(), "installed, so the version is known"


@pytest.mark.parametrize(
    "flags",
    [
        ["--speed", "0"],
        ["--speed", "nan"],
        ["--speed", "inf"],
        ["--rounds", "-1"],
        ["--speed", "fast"],
        ["--auto", "--rehearse"],
        ["--port", "0"],
        ["--port", "65536"],
        ["--idle-limit", "inf"],
        ["--db-limit", "1e400"],
    ],
)
def test_bad_flags_are_usage_errors(flags: list[str], capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.parse(flags)
    assert stop.value.code == Status.USAGE
    assert "error:" in capsys.readouterr().err


def test_the_defaults_are_the_talk_and_its_state() -> None:
    args = cli.parse([])
    assert args.talk == TALK and args.scenes is None, "the talk's own scenes"
    assert args.state_dir == TALK / ".state", "in a checkout, state stays in the checkout"
    assert (args.speed, args.db_limit, args.auto) == (1.0, 32, False)


def test_list_shows_every_scene(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--list"]) == Status.HELD
    out = capsys.readouterr().out
    for name in ("before-temporal", "with-temporal", "server-crash", "summary"):
        assert name in out


def test_a_broken_scene_is_one_line_naming_the_program(
    called: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "playlist.toml").write_text('title = "t"\nscenes = ["bad"]\n')
    (tmp_path / "bad.toml").write_text('title = "t"\n[[steps]]\nkind = "pause"\nseconds = -2\n')
    assert cli.main(["--auto", "--scenes", str(tmp_path)]) == Status.USAGE
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"counter-demo: {tmp_path / 'bad.toml'}:2: step 1 (pause): field 'seconds': "
        "must be from 0 to 3600, not -2"
    ]


def test_presenting_needs_a_terminal_for_its_keys(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli.sys.stdin, "isatty", lambda: False, raising=False)
    assert cli.main(["--rehearse"]) == Status.USAGE
    assert "rehearse mode reads keys from a terminal" in capsys.readouterr().err


def test_a_signal_becomes_its_exit_status() -> None:
    stop = cli.Stopped(signal.SIGTERM)
    assert str(stop) == "SIGTERM" and 128 + stop.signum == 143


@pytest.mark.parametrize(("what", "content", "said"), MALFORMED.values(), ids=MALFORMED.keys())
def test_every_malformed_file_is_one_line_and_status_2(
    what: str, content: str | bytes, said: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    write_bad(tmp_path, what, content)
    assert cli.main(["--auto", "--scenes", str(tmp_path)]) == Status.USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"{cli.program_name()}: ") and said in err


def test_help_lists_the_presenters_keys_and_every_record_output(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        cli.parse(["--help"])
    said = " ".join(capsys.readouterr().out.split())
    for key in (
        "Page Down next",
        "Backspace back",
        "Home or r",
        "1-9",
        "b or . black",
        "? the keys",
    ):
        assert key in said
    for suffix in (".cast", ".gif", ".mp4", ".webm", ".html"):
        assert suffix in said


def test_notes_from_a_state_directory_that_is_a_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("")
    assert cli.main(["--notes", "--state-dir", str(tmp_path / "file")]) == 2
    assert "a file is in the way of that folder" in capsys.readouterr().err
