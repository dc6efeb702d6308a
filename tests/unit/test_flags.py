"""The command line's flags: each flag's converter and checks, --version, --help, the
defaults, and a bad flag as one line naming the flag and what is wrong with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from director import TALK, cli, flags
from director.errors import Status
from director.formats import TRANSCRIPTS, Pixels

pytestmark = pytest.mark.usefixtures("keep_signal_handlers")


def test_version_names_the_program_as_called(
    called: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        flags.parse(["--version"])
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
    "rows of no recording": (["--record-size", "100x5"], ": --record-size: use COLSxROWS"),
    "pixels past 8K": (["--record-size", "8000x4500"], ": --record-size: use COLSxROWS"),
    "odd pixels": (["--record-size", "1281x720"], ": --record-size: a size in pixels is even"),
    "pixels too few for a stage": (["--record-size", "600x100", "--font-size", "40"],
                                   ": --record-size: 600x100 holds 23x1 cells at 40 px, not 40x10"),
    "two modes": (["--auto", "--rehearse"], ": --rehearse: not allowed with --auto"),
    "an ambiguous flag": (["--s", "2"], ": ambiguous option: --s could match --serve, --speed"),
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
    args = flags.parse([])
    assert args.talk == TALK and args.scenes is None, "the talk's own scenes"
    assert args.state_dir == TALK / ".state", "in a checkout, state stays in the checkout"
    assert (args.speed, args.db_limit, args.auto) == (1.0, 32, False)
    assert args.colors is None, "the terminal is asked"
    assert flags.parse(["--colors", "light"]).colors == "light"


def test_help_lists_the_presenters_keys_and_every_record_output(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        flags.parse(["--help"])
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


@pytest.mark.parametrize(
    ("given", "size", "pixels", "font_size"),
    [
        (["--record-size", "100x30"], (100, 30), None, None),
        (["--record-size", "500x200"], (500, 200), None, None),
        (["--record-size", "1280x720"], (115, 31), (1280, 720), 18),
        (["--record-size", "1920x1080"], (108, 30), (1920, 1080), 29),
        (["--record-size", "1920x1080", "--font-size", "20"], (156, 43), (1920, 1080), 20),
    ],
)
def test_a_record_size_beyond_cols_and_rows_is_pixels_filled_with_cells_and_a_font(
    given: list[str], size: tuple[int, int], pixels: tuple[int, int] | None, font_size: int | None
) -> None:
    args = flags.parse(given)
    assert args.record_size == size
    assert args.record_pixels == (None if pixels is None else Pixels(*pixels))
    assert args.font_size == font_size
