"""Takes, the Player and the safety net: a take kept whole or not at all, read back as it was
written, refused (with the reason) when truncated, unreadable or made for a scene that has
changed since; played at its own pace, a bounded piece at a time; kept and shown by the net
(what a take's files may hold: test_take_files.py)."""

from __future__ import annotations

import argparse
import io
import os
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from rich.style import Style

from director.keys import Action, Press
from director.layouts import LAYOUTS, StageLayout
from director.narration import Narrator
from director.pacing import MAX_SPEED
from director.production import _recorders
from director.recording import Cast
from director.replays import Replay
from director.results import SceneResult, summary_rows
from director.steps import Narrate, Pause
from director.take_files import MAX_SECONDS, MAX_SIZE, Refused
from director.takes import TAKE_SIZE, Player, SafetyNet, Take, Takes, fingerprint
from tests.unit.conftest import HELD, Clock, narrator, recorded
from tests.unit.conftest import TAKEN as SCENE
from tests.unit.conftest import TAKEN_SHOW as SHOW
from tests.unit.conftest import said as said_text


def test_a_take_is_read_back_as_it_was_kept(tmp_path: Path) -> None:
    takes = Takes(tmp_path / "takes")
    assert takes.load(SHOW, SCENE) is None and takes.state(SHOW, SCENE) == "none"
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    take = takes.load(SHOW, SCENE)
    assert take is not None
    assert take.size == (100, 30) and take.address == "localhost:7233"
    assert [event[1:] for event in take.events] == [
        ("m", "Scene: Intro"),
        ("o", "\x1b[1mHi\x1b[0m\r\n"),
    ]
    assert take.claims == [
        {"claim": "it starts again at 1", "held": True, "seen": "first after restart: 1"}
    ]
    assert takes.state(SHOW, SCENE) == f"verified {take.when}"
    assert sorted(p.name for p in (tmp_path / "takes").iterdir()) == ["intro.cast", "intro.json"]


def test_a_scene_that_changed_since_refuses_its_take(tmp_path: Path) -> None:
    takes = Takes(tmp_path)
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    edited = replace(SCENE, steps=(Narrate(title="Hello", body="."), Pause()))
    assert fingerprint(SHOW, edited) != fingerprint(SHOW, SCENE)
    with pytest.raises(Refused, match="the scene changed since it was recorded"):
        takes.load(SHOW, edited)
    slower = replace(SHOW, interval=2.0)  # the counters count differently: another take
    with pytest.raises(Refused, match="changed"):
        takes.load(slower, SCENE)


@pytest.mark.parametrize(
    ("spoil", "why"),
    [
        (
            lambda c, r: c.write_bytes(c.read_bytes()[:-40]),
            "intro.cast is truncated or was changed",
        ),
        (lambda c, r: r.write_text("{"), "intro.json is not a take's record"),
        (lambda c, r: c.unlink(), "its cast cannot be read"),
    ],
    ids=["truncated", "record-broken", "cast-gone"],
)
def test_a_spoilt_take_is_refused_with_the_reason(tmp_path: Path, spoil: object, why: str) -> None:
    takes = Takes(tmp_path)
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    spoil(*takes.paths(SCENE))  # type: ignore[operator]
    with pytest.raises(Refused, match=why):
        takes.load(SHOW, SCENE)
    assert takes.state(SHOW, SCENE).startswith("unusable: ")


def test_a_save_cut_short_never_leaves_a_mixed_take_in_use(tmp_path: Path) -> None:
    takes = Takes(tmp_path)
    takes.save(SHOW, SCENE, recorded(), (100, 30), "old:1", HELD)
    cast_path, record_path = takes.paths(SCENE)
    # Cut short after the new cast was in place, before its record: the old record does not
    # vouch for the new cast.
    cast_path.write_text(recorded().replace("Hi", "Hello"))
    with pytest.raises(Refused, match="truncated or was changed"):
        takes.load(SHOW, SCENE)
    # A record that cannot be replaced fails the save, and leaves nothing written aside.
    record_path.unlink()
    record_path.mkdir()
    with pytest.raises(OSError):
        takes.save(SHOW, SCENE, recorded(), (100, 30), "new:2", HELD)
    assert not list(tmp_path.glob(".*.new"))


def test_a_takes_folder_that_cannot_be_made_is_an_os_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(OSError):
        Takes(tmp_path / "file" / "takes").save(SHOW, SCENE, recorded(), (100, 30), "a", HELD)


def test_the_player_draws_the_take_as_a_terminal_would_at_its_own_pace() -> None:
    events = [[0.5, "o", "\x1b[1;31mred\x1b[0m 1\r\n"], [2.0, "o", "\r\x1b[38;2;10;20;30mtrue"]]
    take = Take("intro", datetime.now(UTC), "a", [], (20, 3), 1.0, events)
    player = Player(take)
    assert player.length == 2.0
    assert not player.until(0.1) and player.frame().plain == ""
    assert player.until(1.0)
    frame = player.frame()
    assert frame.plain == "red 1"
    assert frame.get_style_at_offset(Console(), 0) == Style(color="red", bold=True)
    assert player.until(2.0)
    assert [row.rstrip() for row in player.frame().plain.split("\n")] == ["red 1", "true"]
    frame = player.frame()
    truecolor = frame.get_style_at_offset(Console(), frame.plain.index("true")).color
    assert truecolor is not None and truecolor.triplet.hex == "#0a141e"


def test_the_summary_says_a_scene_was_shown_from_its_take() -> None:
    result = SceneResult(SCENE, failure="Intro, step 2 (pause): it broke")
    result.shown_from = "2026-11-25 16:54"
    [(title, _, _, failure)] = summary_rows([result])
    assert title == "Intro"
    assert (
        failure
        == "Intro, step 2 (pause): it broke; shown from its verified take of 2026-11-25 16:54"
    )


def test_a_scene_has_a_usable_take_only_when_it_can_be_shown(tmp_path: Path) -> None:
    takes = Takes(tmp_path)
    assert not takes.usable(SHOW, SCENE)
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    assert takes.usable(SHOW, SCENE)
    takes.paths(SCENE)[0].write_text("")
    assert not takes.usable(SHOW, SCENE)


FIFO = "not a regular file (a device, a FIFO or a socket)"


def test_a_take_whose_files_are_not_regular_files_is_refused_unopened(tmp_path: Path) -> None:
    takes = Takes(tmp_path)
    cast_path, record_path = takes.paths(SCENE)
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    cast_path.unlink()
    os.mkfifo(cast_path)  # nothing ever writes to it: opened for reading, it would block
    assert takes.state(SHOW, SCENE) == f"unusable: its cast cannot be read: {FIFO}"
    cast_path.unlink()
    cast_path.mkdir()
    assert takes.state(SHOW, SCENE) == "unusable: its cast cannot be read: a directory, not a file"
    record_path.unlink()
    os.mkfifo(record_path)
    assert takes.state(SHOW, SCENE) == f"unusable: its record cannot be read: {FIFO}"


def test_a_take_that_printed_a_lot_is_played_a_bounded_piece_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fed: list[str] = []

    def feed(self: object, text: str, seconds: float) -> int:
        fed.append(text[:50_000])  # what the emulator takes in the time it is given
        return len(fed[-1])

    monkeypatch.setattr("director.terminal.Emulator.feed", feed)
    said = "".join(f"line {n}\r\n" for n in range(100_000))
    events = [(0.0, "o", said), (0.0, "m", "x"), (1.0, "o", "more")]
    player = Player(Take("intro", datetime.now(UTC), "a", [], (80, 24), 1.0, events))
    calls = 0
    while player.until(0.5):
        calls += 1
    assert "".join(fed) == said and calls == -(-len(said) // 50_000)
    assert player.until(1.0) and fed[-1] == "more"


@pytest.mark.parametrize("costly", ["\x1b#8", "\x1b[2J", "\x1b[H\x1b[999L"])
def test_a_take_of_sequences_that_redraw_every_cell_is_played_in_time_not_all_at_once(
    costly: str,
) -> None:
    """A few bytes that make the emulator redraw a 500x200 screen: a take of a few kB of
    them would take minutes to feed at once; each call feeds for FEED_TIME and returns."""
    events = [(0.0, "o", costly * 20_000), (0.0, "o", "the end")]
    player = Player(Take("intro", datetime.now(UTC), "a", [], (500, 200), 1.0, events))
    calls = 0
    while player._next < len(events) and calls < 3:
        player.until(1.0)
        calls += 1
    assert player._next == 0 and 0 < player._fed < len(events[0][2]), "a bounded piece a call"


def test_what_passes_the_check_plays_to_its_end() -> None:
    """The check's limits, every one at its edge, then played: nothing hangs or breaks."""
    events = [
        (0.0, "r", "1x1"),
        (0.0, "o", "\x1b[1;2A\x1b[?5K\x1b[9999999999J\x1b[99999999@ pyte cannot take these"),
        (0.001, "r", f"{MAX_SIZE[0]}x{MAX_SIZE[1]}"),
        (0.002, "o", "\x1b[400;1Hlast"),
        (MAX_SECONDS / MAX_SPEED, "m", "end"),
    ]
    take = Take("intro", datetime.now(UTC), "a", [], MAX_SIZE, MAX_SPEED, events)
    player = Player(take)
    assert player.until(player.length)
    assert player.frame().plain.endswith("last")


@pytest.mark.parametrize("left", ["fifo", "link", "folder"])
def test_what_is_left_at_an_old_aside_name_is_never_written_through(
    tmp_path: Path, left: str
) -> None:
    takes = Takes(tmp_path / "takes")
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    for name in (".intro.cast.new", ".intro.json.new"):
        aside = tmp_path / "takes" / name
        if left == "fifo":
            os.mkfifo(aside)  # opened for writing, it would wait for a reader for good
        elif left == "link":
            aside.symlink_to(tmp_path / f"victim{name}")
        else:
            aside.mkdir()
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    assert takes.state(SHOW, SCENE).startswith("verified")
    assert not list(tmp_path.glob("victim*")), "nothing written through a link"
    assert not (tmp_path / "takes" / "intro.cast").is_symlink()


def test_a_take_that_cannot_be_written_whole_leaves_the_earlier_one_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    takes = Takes(tmp_path)
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    real = os.fdopen

    def full(fd: int, mode: str) -> object:  # the record, written second, finds the disk full
        if len(list(tmp_path.glob(".*.new"))) == 2:
            os.close(fd)
            raise OSError(28, "No space left on device")
        return real(fd, mode)

    monkeypatch.setattr("director.files.os.fdopen", full)
    with pytest.raises(OSError):
        takes.save(SHOW, SCENE, recorded() + "more", (100, 30), "localhost:7233", HELD)
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before
    assert takes.state(SHOW, SCENE).startswith("verified"), "the earlier take is whole"


class Recording:
    """What the safety net records a scene through: a cast."""

    def __init__(self) -> None:
        self.cast = Cast(None, (100, 30), "Talk")
        self.cast.write("Hi\n")


def test_the_safety_net_keeps_a_verified_scene_and_says_once_when_it_cannot(
    tmp_path: Path,
) -> None:
    said = narrator()
    net = SafetyNet(Takes(tmp_path / "takes"), Recording(), said)  # type: ignore[arg-type]
    net.keep(SHOW, SCENE, SceneResult(SCENE, verdicts=HELD), "localhost:7233", 2.0)
    take = Takes(tmp_path / "takes").load(SHOW, SCENE)
    assert take is not None and take.speed == 2.0 and take.claims[0]["held"] is True
    (tmp_path / "blocked").write_text("a file where the folder goes")
    net = SafetyNet(Takes(tmp_path / "blocked"), Recording(), said)  # type: ignore[arg-type]
    for _ in range(2):
        net.keep(SHOW, SCENE, SceneResult(SCENE), "localhost:7233", 1.0)
    assert net.unwritable and said_text(said).count("No take is kept") == 1


def test_the_safety_net_shows_a_take_and_hands_a_move_back(tmp_path: Path) -> None:
    takes = Takes(tmp_path)
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    clock = Clock()
    net = SafetyNet(takes, None, narrator(), clock)

    def wait(press: Press | None) -> Callable[[float], Press | None]:
        def waited(seconds: float) -> Press | None:
            clock.now += seconds
            return press

        return waited

    shown = SceneResult(SCENE)
    assert net.show(SHOW, SCENE, shown, 1.0, wait(None)) is None and shown.shown_from
    drawn: list[Replay | None] = []
    seen, shows = SceneResult(SCENE), net.narrator.replay

    def showing(replay: Replay | None) -> None:
        drawn.append(replay)
        shows(replay)

    net.narrator.replay = showing  # type: ignore[method-assign]
    net.show(SHOW, SCENE, seen, 1.0, wait(None))
    assert drawn[-1] is None, "the last, to end it"
    replay = next(replay for replay in drawn if replay is not None)
    assert replay.size == (100, 30) and replay.when == seen.shown_from, "at its size, dated"
    assert replay.frame.plain == "Hi" and net.narrator.screen.replay is None, "and gone after"
    cut = SceneResult(SCENE)
    again = Press(Action.RESTART)
    assert net.show(SHOW, SCENE, cut, 1.0, wait(again)) == again and cut.shown_from is None
    skipped = SceneResult(SCENE)
    assert net.show(SHOW, SCENE, skipped, 1.0, wait(Press(Action.NEXT))) is None
    assert skipped.shown_from, "a key moves on: the take counts as shown"


@pytest.mark.parametrize(
    ("terminal", "size", "shown"),
    [(False, (100, 30), "scroll"), (True, (200, 50), "stage"), (True, (100, 30), "scroll")],
    ids=["piped", "a-wide-stage", "scrolling-in-a-terminal"],
)
def test_a_take_is_recorded_as_the_stage_at_its_size_whatever_the_show_is(
    terminal: bool, size: tuple[int, int], shown: str
) -> None:
    console = Console(file=io.StringIO(), width=size[0], height=size[1], force_terminal=terminal)
    with ExitStack() as stack:
        _, recorder, take = _recorders(stack, argparse.Namespace(), "Talk", None, console)
    assert recorder is None and take.cast.size == TAKE_SIZE == (80, 24)
    said = Narrator(console, recorders=(take,), layout=LAYOUTS[shown])
    assert [type(layout) for layout in said.layouts] == [LAYOUTS[shown].layout, StageLayout]
    assert said.layouts[1].console.size == (80, 24)
    said.resize((120, 40))  # the terminal resized: the take is not
    assert take.console.size == (80, 24) and take.cast.size == TAKE_SIZE
    assert '"r"' not in take.cast.text(), "a take has no resize event"
