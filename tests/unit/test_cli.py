"""The command line, short of playing: its verbs (init, --notes, --list, the show), the exit
statuses, and every error turned into one line and a status (the flags: test_flags.py)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from director import cli
from director.errors import Status
from tests.unit.conftest import MALFORMED, write_bad

pytestmark = pytest.mark.usefixtures("keep_signal_handlers")


def test_exit_statuses_are_named_once() -> None:
    assert [int(s) for s in Status] == [0, 1, 2, 3, 130]


def test_list_shows_every_scene(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--list"]) == Status.HELD
    out = capsys.readouterr().out
    for name in ("before-temporal", "with-temporal", "server-crash", "summary"):
        assert name in out


def test_list_says_in_words_what_each_scene_needs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    assert cli.main(["--list"]) == Status.HELD
    rows = {line.split("│")[1].strip(): line for line in capsys.readouterr().out.splitlines()
            if line.startswith("│")}  # fmt: skip
    assert "│ Temporal " in rows["with-temporal"] and "│ nothing " in rows["before-temporal"]
    assert "│ Temporal's dev server │" in rows["server-crash"], "it stops the server"
    assert not any("True" in row or "False" in row for row in rows.values())


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


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("file", "a file is in the way of that folder"),
        ("file/below", "a file is in the way of that folder"),
        ("loop", "a link to nothing (or a symlink loop) is in the way of that folder"),
        ("dangling", "a link to nothing (or a symlink loop) is in the way of that folder"),
    ],
)
def test_notes_from_a_state_directory_no_show_can_have_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, said: str
) -> None:
    (tmp_path / "file").write_text("")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    assert cli.main(["--notes", "--state-dir", str(tmp_path / name)]) == 2
    assert said in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["--list", "--talk", "/nowhere/a\nb"],
        ["--list", "--talk", "/nowhere/a\x1b[2Jb"],
        ["--list", "--speed", "\x1b[31mred"],
        ["--auto", "--once", "--record", "/nowhere/no\nsuch/x.cast"],
        ["--auto", "--once", "--transcript", "/nowhere/\x1b]0;title\x07/x.txt"],
    ],
)
def test_a_control_character_in_what_an_error_quotes_is_shown_escaped_on_one_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        status = cli.main(argv)
    except SystemExit as exit:  # a bad flag: argparse's way out
        status = exit.code
    assert status == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err[:-1].isprintable(), f"no raw control character: {err!r}"


def test_a_recording_where_the_transcript_or_a_take_goes_is_refused_before_the_show(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    (tmp_path / "link.html").symlink_to(tmp_path / "t.html")
    for argv, said in [
        (["--record", str(tmp_path / "t.html"), "--transcript", str(tmp_path / "t.html")],
         "the --transcript goes there too"),
        (["--record", str(tmp_path / "link.html"), "--transcript", str(tmp_path / "t.html")],
         "the --transcript goes there too"),
        (["--record", str(state / "takes" / "before-temporal.cast")],
         f"the verified takes are kept in {state / 'takes'}"),
    ]:  # fmt: skip
        (state / "takes").mkdir(parents=True, exist_ok=True)
        assert cli.main(["--auto", "--once", "--state-dir", str(state), *argv]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and said in err, err


def test_each_verb_is_one_command_and_drive_goes_with_notes_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert set(cli.VERBS) == {"init", "notes", "list", "show"}
    for command in cli.VERBS.values():
        assert issubclass(command, cli.Command) and command.run is not cli.Command.run
    for argv in (["--list", "--drive"], ["--auto", "--drive"]):
        assert cli.main(argv) == Status.USAGE
        assert "--drive goes with --notes" in capsys.readouterr().err
