"""The command line, short of playing: flags, --version, --list, and errors as one line."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from director import TALK, cli, flags
from director.errors import Status
from director.formats import TRANSCRIPTS
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
    assert capsys.readouterr().out.strip() == f"counter-demo {flags.version()}"
    assert flags.version()[0].isdigit(), "installed, so the version is known"


BAD_FLAGS = {
    "an unknown flag": (["--bogus"], ": --bogus: not a flag it knows (--help lists them)"),
    "a stray word": (["--auto", "stray"], ": stray: not a flag it knows"),
    "a missing value": (["--speed"], ": --speed: needs a value"),
    "a bad choice": (["--layout", "wide"], ": --layout: invalid choice: 'wide'"),
    "a word for a number": (["--speed", "fast"], ": --speed: must be more than 0"),
    "no rounds": (["--rounds", "0"], ": --rounds: must be more than 0"),
    "rounds below 0": (["--rounds", "-1"], ": --rounds: must be more than 0"),
    "half a round": (["--rounds", "1.5"], ": --rounds: must be more than 0 and at most "
                     "1,000,000,000, a whole number, not 1.5"),
    "speed 0": (["--speed", "0"], ": --speed: must be more than 0 and at most 1,000,000, not 0"),
    "speed nan": (["--speed", "nan"], ": --speed: must be more than 0"),
    "speed inf": (["--speed", "inf"], ": --speed: must be more than 0"),
    "an empty speed": (["--speed="], ": --speed: must be more than 0 and at most 1,000,000, "
                       "not nothing"),
    "a newline in a value": (["--speed", "0\n\n"], ": --speed: must be more than 0"),
    "port 0": (["--port", "0"], ": --port: must be more than 0 and at most 65,535"),
    "port 65536": (["--port", "65536"], ": --port: must be more than 0"),
    "idle limit inf": (["--idle-limit", "inf"], ": --idle-limit: must be more than 0"),
    "db limit 1e400": (["--db-limit", "1e400"], ": --db-limit: must be more than 0"),
    "a tiny recording": (["--record-size", "5x5"], ": --record-size: use COLSxROWS"),
    "two modes": (["--auto", "--rehearse"], ": --rehearse: not allowed with --auto"),
    "an ambiguous flag": (["--s", "2"], ": ambiguous option: --s could match --speed"),
    "init without DIR": (["init"], " init: DIR: missing (--help says what it is)"),
    "init with a flag it lacks": (["init", "t", "--speed", "2"], " init: --speed 2: not a flag"),
    "init with two folders": (["init", "a", "b"], " init: b: not a flag it knows"),
}  # fmt: skip


@pytest.mark.parametrize(("flags", "said"), BAD_FLAGS.values(), ids=BAD_FLAGS.keys())
def test_a_bad_flag_is_one_line_saying_which_and_what_is_wrong(
    flags: list[str], said: str, called: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(flags)
    assert stop.value.code == Status.USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.endswith("\n"), f"one line, not {err!r}"
    assert err.startswith(called + said), err


def test_a_talk_that_is_a_symlink_loop_is_a_bad_flag(
    tmp_path: Path, called: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    with pytest.raises(SystemExit) as stop:
        cli.main(["--talk", str(tmp_path / "loop"), "--list"])
    assert stop.value.code == Status.USAGE
    assert capsys.readouterr().err == f"{called}: --talk: {tmp_path / 'loop'} is a symlink loop\n"


@pytest.mark.parametrize("flags", [["--help"], ["init", "--help"]])
def test_help_is_argparses_own(flags: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(flags)
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: ") and "options:" in out and out.count("\n") > 5


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
    assert (
        f"save the show as {', '.join(list(TRANSCRIPTS)[:-1])} or {list(TRANSCRIPTS)[-1]}" in said
    )


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


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--address", "localhost:99999"], "--address: use HOST:PORT with a port from 1 to 65535"),
        (["--address", ""], "--address: must be a name, one word, not ''"),
        (["--namespace", "x\ny"], "--namespace: must be a name, one word, not 'x\\ny'"),
        (["--profile", "a b"], "--profile: must be a name, one word, not 'a b'"),
        (["--notes", "--record", "t.gif"], "--record: not with --notes (it follows a show"),
        (["--notes", "--scene", "nope"], "--scene: not with --notes"),
        (["--notes", "--list"], "--list: not with --notes"),
        (["--notes", "--speed", "2"], "--speed: not with --notes"),
    ],
)
def test_what_cannot_name_a_service_or_shape_a_notes_screen_is_refused_in_a_line(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit:
        cli.main(argv)
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and said in err, err


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
