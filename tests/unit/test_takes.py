"""Takes: kept whole or not at all, read back as they were written, refused (with the reason)
when truncated, not a cast, or made for a scene that has changed since."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from rich.style import Style

from director.claims import Verdict
from director.recording import Cast
from director.results import SceneResult, summary_rows
from director.scenes import Scene, Show
from director.steps import Narrate, Pause
from director.takes import Player, Refused, Take, Takes, fingerprint

SCENE = Scene("intro", "Intro", Path("intro.toml"), (Narrate(title="Hi", body="."), Pause()))
SHOW = Show("Talk", (SCENE,), limit=10, interval=1.0)
HELD = [Verdict("it starts again at 1", True, "first after restart: 1")]


def recorded() -> str:
    cast = Cast(None, (100, 30), "Talk")
    cast.write("old scene\n")
    cast.restart()  # a new scene: what came before is not its take
    cast.marker("Scene: Intro")
    cast.write("\x1b[1mHi\x1b[0m\n")
    return cast.text()


def test_a_take_is_read_back_as_it_was_kept(tmp_path: Path) -> None:
    takes = Takes(tmp_path / "takes")
    assert takes.load(SHOW, SCENE) is None and takes.state(SHOW, SCENE) == "none"
    takes.save(SHOW, SCENE, recorded(), (100, 30), "localhost:7233", HELD)
    take = takes.load(SHOW, SCENE)
    assert take is not None
    assert take.size == (100, 30) and take.address == "localhost:7233"
    assert [event[1:] for event in take.events] == [
        ["m", "Scene: Intro"],
        ["o", "\x1b[1mHi\x1b[0m\r\n"],
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


def test_a_file_that_is_not_a_cast_is_refused_even_with_a_matching_record(tmp_path: Path) -> None:
    takes = Takes(tmp_path)
    takes.save(SHOW, SCENE, "not a cast at all\n", (100, 30), "localhost:7233", HELD)
    with pytest.raises(Refused, match=r"intro\.cast is not an asciicast v2"):
        takes.load(SHOW, SCENE)


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
