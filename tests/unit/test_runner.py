"""The stage: its rounds and scenes, the keys and navigation, resizes, what it tells the notes
screen, and a scene failed by Temporal played again; with fake counters, keys, clock and
Temporal, no process at all (what each step kind does: test_plays.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from director.errors import DemoError, Quit
from director.keys import PRESSES, Press
from director.layouts import LAYOUTS, LayoutKind
from director.pacing import Presenting, Rehearsing
from director.runner import RESTARTED
from director.scenes import Scene
from director.steps import (
    Ask,
    Expect,
    Interrupt,
    Narrate,
    Pause,
    Restart,
    Run,
    Server,
    WaitFor,
)
from tests.unit.conftest import DURABLE, NORMAL, Rig, scene


def test_a_step_that_times_out_fails_its_scene_and_the_round_goes_on() -> None:
    hung = scene(Run(program=NORMAL), WaitFor(number=5, timeout=3), name="hung")
    after = scene(Pause(seconds=1), name="after")
    rig = Rig(hung, after, hang=True)
    first, second = rig.stage.play_round()
    assert first.failure == "Hung, step 2 (wait_for): the program did not print 5 within 3 s"
    assert "Step failed" in rig.said()
    assert second.held
    assert rig.counters.spawned[0].status == 137, "the hung program was stopped hard"


def test_a_dev_server_that_dies_by_itself_fails_the_scene_which_plays_again() -> None:
    rig = Rig(scene(Run(program=DURABLE, durable=True), WaitFor(number=3), Pause(seconds=1)))
    rig.stage.play_round()  # the server is up
    original = rig.counters.__call__

    def die_once(*args: object, **kwargs: object):
        if len(rig.counters.spawned) == 1:
            rig.service.alive = False  # the dev server dies as the count starts
        return original(*args, **kwargs)

    rig.stage.spawn = die_once
    rig.stage.publisher = published = Published()  # type: ignore[assignment]
    first_round = rig.stage.play_round()
    assert "the Temporal dev server died" in rig.said()
    assert "starting it again, same scene" in rig.said()
    assert first_round[0].held, "the scene played again and held"
    again = "again from its start: Temporal failed and was put right"
    assert published.whys() == [("Scene", ""), ("Scene", again)], "the notes screen says why"
    assert rig.service.starts == 2


def test_a_scene_that_controls_the_dev_server_is_skipped_on_an_existing_service() -> None:
    rig = Rig(scene(Run(program=DURABLE, durable=True), Server(action="kill")), existing=True)
    [result] = rig.stage.play_round()
    assert result.held and not result.runs
    assert "Skipped: this scene controls the embedded dev server" in rig.said()
    assert not rig.counters.spawned


def test_hands_free_waits_for_an_existing_service_that_does_not_answer() -> None:
    rig = Rig(scene(Run(program=DURABLE, durable=True, limit=2), WaitFor(exit=True)), existing=True)
    rig.service.answering = [False, False, False]
    start = rig.clock.now
    [result] = rig.stage.play_round()
    assert result.held
    assert rig.clock.now - start >= 1 + 2 + 4, "backoff: 1 s, 2 s, 4 s"


def test_failing_to_start_temporal_ends_the_show_before_it_ever_ran() -> None:
    rig = Rig(scene(Run(program=DURABLE, durable=True), WaitFor(exit=True)))

    def busy() -> float:
        raise DemoError("port 7233 is busy: someone (pid 1) holds it", 3)

    rig.service.start = busy  # type: ignore[method-assign]
    with pytest.raises(DemoError, match="port 7233 is busy"):
        rig.stage.play_round()


def test_q_quits_and_the_program_is_stopped() -> None:
    rig = Rig(scene(Run(program=NORMAL), WaitFor(number=9)), presses={3: "quit"})
    with pytest.raises(Quit):
        rig.stage.play_round()
    assert rig.counters.spawned[0].status == 130, "stopped on the way out"


def test_presenting_every_beat_waits_for_a_key() -> None:
    steps = (Narrate(title="Hello", body="there"), Ask(question="Why?"), Pause(seconds=0))
    rig = Rig(scene(*steps), mode=Presenting, presses={4: "next", 9: "next", 10: "next"})
    [result] = rig.stage.play_round()
    assert result.held and rig.keys.reads == 10
    assert [line for line, _ in result.step_seconds] == [
        "1. narrate: Hello",
        "2. ask: Why?",
        "3. pause",
    ]
    assert [round(seconds, 2) for _, seconds in result.step_seconds] == [1.0, 1.25, 0.25]


def test_a_resize_reaches_the_recording_and_the_programs_pty() -> None:
    rig = Rig(scene(Run(program=NORMAL), WaitFor(number=2), Pause(seconds=1), WaitFor(number=4)))
    resized: list[tuple[int, int]] = []
    rig.narrator.resize = resized.append  # type: ignore[method-assign]
    original = rig.counters.__call__

    def spawn_then_resize(*args: object, **kwargs: object):
        child = original(*args, **kwargs)
        rig.narrator.console.size = (70, 30)  # the terminal is made narrower
        return child

    rig.stage.spawn = spawn_then_resize
    rig.stage.play_round()
    assert resized == [(70, 30)]
    assert rig.counters.spawned[0].size == (24, 66)


def test_a_scene_title_with_brackets_plays() -> None:
    odd = Scene("odd", "[/x] [bold]Odd", Path("odd.toml"), (Pause(seconds=1),))
    rig = Rig(odd)
    [result] = rig.stage.play_round()
    assert result.held and "[/x] [bold]Odd" in rig.said()


def test_the_scenes_own_kill_is_never_replayed_as_a_death() -> None:
    steps = (
        Run(program=DURABLE, durable=True),
        WaitFor(number=3),
        Server(action="kill"),
        Interrupt(signal="SIGKILL"),  # a counter killed while the server is down...
        WaitFor(number=9),  # ...so this step fails: no program runs
    )
    rig = Rig(scene(*steps), scene(Run(program=DURABLE, durable=True, limit=2), name="next"))
    first, second = rig.stage.play_round()
    assert (
        first.failure and "the program exited (status 137) before it did print 9" in first.failure
    )
    assert "starting it again, same scene" not in rig.said()
    assert rig.service.starts == 2, "started once, then again by the next scene that needs it"
    assert second.failure is None


def test_a_scene_that_failed_because_temporal_lost_its_db_plays_again() -> None:
    rig = Rig(scene(Run(program=DURABLE, durable=True, limit=3), WaitFor(number=2), Pause()))
    rig.stage.play_round()
    original = rig.counters.__call__

    def lose_the_db(*args: object, **kwargs: object) -> object:
        child = original(*args, **kwargs)
        if len(rig.counters.spawned) == 2:
            rig.service.fault = "lost its db file (it was deleted)"
            child.counters.hang = True  # nothing progresses without a db
        else:
            child.counters.hang = False
        return child

    rig.stage.spawn = lose_the_db  # type: ignore[assignment]
    [result] = rig.stage.play_round()
    assert result.held, "played again on a fresh server"
    assert "lost its db file (it was deleted): starting it afresh" in rig.said()
    assert rig.service.afreshes == 1


class CuedKeys:
    """The presenter's keys, each pressed the next time the show waits for one."""

    def __init__(self, rig: Rig, *cues: str) -> None:
        self.rig = rig
        self.cues = list(cues)
        self.seen: list[tuple[bool, bool]] = []  # (blackout, help) when each cue was read
        self.mains: list = []  # the main panel then

    def read(self, timeout: float) -> Press | None:
        self.rig.clock.now += timeout
        screen = self.rig.narrator.screen
        if not screen.waiting:
            return None
        assert self.cues, "the show waits for a key no one will press"
        self.seen.append((screen.blackout, screen.help))
        self.mains.append(screen.main)
        return PRESSES[self.cues.pop(0)]


class Published:
    """What the notes screen would be told, state after state (no follower), and each
    change as it was published."""

    followed = False

    def __init__(self) -> None:
        self.state: dict = {}
        self.states: list[dict] = []
        self.changes: list[dict] = []

    def publish(self, **changes: object) -> None:
        self.state.update(changes)
        self.states.append(dict(self.state))
        self.changes.append(changes)

    def whys(self) -> list[tuple[str, str]]:
        """Each scene as it began, and why it played then ("" in turn)."""
        return [(c["scene"][2], c["why"]) for c in self.changes if "why" in c and "scene" in c]

    def looking(self) -> list[str]:
        """What the notes screen was told while the presenter looked back, and after."""
        return [c["why"] for c in self.changes if "why" in c and "scene" not in c]


def presented(*scenes: Scene, cues: tuple[str, ...], layout: LayoutKind = LAYOUTS["scroll"]) -> Rig:
    rig = Rig(*scenes, mode=Presenting, layout=layout)
    rig.stage.keys = CuedKeys(rig, *cues)  # type: ignore[assignment]
    return rig


PANELS = (Narrate(title="One", body="."), Narrate(title="Two", body="."), Ask(question="Three?"))


def titles(mains: list) -> list[str]:
    """The panels' titles: a narration's heading, a question's text."""
    return [getattr(m.title, "plain", "") or m.renderable.plain for m in mains]


def test_back_and_next_move_through_the_panels_shown_without_playing_them_again() -> None:
    rig = presented(scene(*PANELS), cues=("next", "back", "next", "next", "back", "back",
                                          "back", "next", "next", "next"))  # fmt: skip
    rig.stage.publisher = published = Published()  # type: ignore[assignment]
    [result] = rig.stage.play_round()
    assert titles(rig.stage.keys.mains) == [  # type: ignore[attr-defined]
        "One", "Two", "One", "Two", "Three?", "Two", "One", "One", "Two", "Three?",
    ]  # fmt: skip
    assert [line for line, _ in result.step_seconds] == [
        "1. narrate: One",
        "2. narrate: Two",
        "3. ask: Three?",
    ], "each step played once"
    forward = "(Right or Space comes forward)"
    assert published.looking() == [
        f"Looking back: panel 1 of 2 {forward}", "",
        f"Looking back: panel 2 of 3 {forward}", f"Looking back: panel 1 of 3 {forward}",
        f"Looking back: panel 2 of 3 {forward}", "",
    ]  # fmt: skip
    assert "Looking back" not in rig.said(), "the notes screen's, not the audience's"
    assert not rig.stage.keys.cues  # type: ignore[attr-defined]


def test_back_at_the_first_panel_stays() -> None:
    rig = presented(scene(*PANELS), cues=("back", "next", "next", "next"))
    rig.stage.publisher = published = Published()  # type: ignore[assignment]
    [result] = rig.stage.play_round()
    assert result.step_seconds[0][0] == "1. narrate: One"
    assert len(result.step_seconds) == 3 and not published.looking()


class Presenter:
    """Presses each key of a plan once its moment has come (a test of the stage's state);
    time passes at each read."""

    def __init__(self, rig: Rig, *plan: tuple[object, str]) -> None:
        self.rig = rig
        self.plan = list(plan)

    def read(self, timeout: float) -> Press | None:
        self.rig.clock.now += timeout
        if self.plan and self.plan[0][0]():  # type: ignore[operator]
            return PRESSES[self.plan.pop(0)[1]]
        return None


def test_back_while_a_program_runs_leaves_it_running_and_its_wait_paused() -> None:
    steps = (Narrate(title="One", body="."), Narrate(title="Two", body="."),
             Run(program=DURABLE, durable=True, limit=100), WaitFor(number=30, timeout=20),
             Ask(question="Next?"), Expect(claims=("no_repeats", "no_gaps")))  # fmt: skip
    rig = Rig(scene(*steps), mode=Presenting)
    rig.stage.publisher = published = Published()  # type: ignore[assignment]
    screen = lambda: rig.narrator.screen  # noqa: E731
    printed = lambda: len(rig.counters.spawned[0].numbers) if rig.counters.spawned else 0  # noqa: E731
    looked: list = []

    def looked_back_while_it_counted() -> bool:
        looked.append((screen().main, screen().panes[0].child))
        return printed() >= 27  # it counts on while the presenter looks back: 25 s of it

    rig.stage.keys = Presenter(  # type: ignore[assignment]
        rig,
        (lambda: screen().waiting, "next"),
        (lambda: screen().waiting, "next"),
        (lambda: printed() >= 2, "back"),  # during the wait for 30
        (looked_back_while_it_counted, "next"),  # the live point: the wait goes on
        (lambda: screen().waiting and printed() >= 30, "next"),
        (lambda: screen().waiting, "next"),
    )
    [result] = rig.stage.play_round()
    assert result.failure is None, "the wait's 20 s did not count the 25 s spent looking back"
    assert len(rig.counters.spawned) == 1, "nothing ran again"
    [(main, program)] = set(looked)
    assert titles([main]) == ["One"], "back from the program's wait: the panel before Two"
    assert program is rig.counters.spawned[0], "the program region stayed live"
    assert [v.held for v in result.verdicts] == [True, True] and len(result.runs) == 1
    assert published.looking() == ["Looking back: panel 1 of 2 (Right or Space comes forward)", ""]
    assert [line for line, _ in result.step_seconds][3] == "4. wait_for: 30"
    assert result.step_seconds[3][1] < 20, "its time is the scene's, not the look back's"


def test_r_while_looking_back_plays_the_scene_again_from_a_clean_state() -> None:
    steps = (Narrate(title="One", body="."), Run(program=DURABLE, durable=True),
             Ask(question="Next?"))  # fmt: skip
    rig = presented(scene(*steps), cues=("next", "back", "restart", "next", "next"))
    rig.stage.publisher = published = Published()  # type: ignore[assignment]
    [result] = rig.stage.play_round()
    first, again = rig.counters.spawned
    assert first.workflow != again.workflow, "a fresh workflow"
    assert len(result.runs) == 1, "the result is the replay's alone"
    assert published.whys() == [("Scene", ""), ("Scene", RESTARTED)]
    assert published.looking() == ["Looking back: panel 1 of 2 (Right or Space comes forward)", ""]


def test_a_digit_jumps_to_its_scene_and_r_plays_it_again() -> None:
    one, two = scene(*PANELS, name="intro"), scene(*PANELS, name="outro")
    cues = ("scene 2", "next", "restart", "next", "scene 9", "next", "next")
    rig = presented(one, two, cues=cues)
    rig.stage.publisher = published = Published()  # type: ignore[assignment]
    results = rig.stage.play_round()
    assert [r.scene.name for r in results] == ["outro"], "the first scene was jumped over"
    assert len(results[0].step_seconds) == 3
    shown = rig.said()
    assert shown.count(" Intro ") == 1 and shown.count(" Outro ") == 2
    assert "jumped to" not in shown and "again from its start" not in shown, "the header: the scene"
    assert published.whys() == [
        ("Intro", ""),
        ("Outro", "jumped to (2), clean state"),
        ("Outro", "again from its start, clean state (Home or r)"),
    ], "the notes screen says why each plays now"
    assert not rig.stage.keys.cues, "9 (no such scene) was ignored"  # type: ignore[attr-defined]


def test_on_stage_blackout_and_the_keys_hide_the_show_until_any_key() -> None:
    cues = ("blackout", "next", "help", "next", "next", "next", "next")
    rig = presented(scene(*PANELS), cues=cues, layout=LAYOUTS["stage"])
    [result] = rig.stage.play_round()
    keys = rig.stage.keys
    hidden = [(False, False), (True, False), (False, False), (False, True), (False, False)]
    assert keys.seen[:5] == hidden, "each overlay ended by the next key"  # type: ignore[attr-defined]
    assert len(result.step_seconds) == 3 and not keys.cues  # type: ignore[attr-defined]


def test_scrolling_blackout_does_nothing_and_the_keys_scroll_by() -> None:
    rig = presented(scene(*PANELS), cues=("blackout", "help", "next", "next", "next"))
    [result] = rig.stage.play_round()
    assert all(seen == (False, False) for seen in rig.stage.keys.seen)  # type: ignore[attr-defined]
    assert "Backspace" in rig.said() and "any key closes this" not in rig.said()
    assert len(result.step_seconds) == 3


def test_hands_free_heeds_only_next_and_quit() -> None:
    rig = Rig(scene(*PANELS, Pause(seconds=1)), presses={1: "back", 2: "scene 1", 3: "blackout"})
    [result] = rig.stage.play_round()
    assert len(result.step_seconds) == 4 and not rig.narrator.screen.blackout
    assert "again" not in rig.said()


def test_every_step_tells_the_notes_screen_its_headline_notes_and_what_comes_next() -> None:
    notes = ("Point at the numbers.", "Five is where it breaks.", "Ctrl-C, as a deploy would.")
    rig = Rig(
        scene(
            Run(program=NORMAL, notes=notes[0]),
            WaitFor(number=5, notes=notes[1]),
            Interrupt(notes=notes[2]),
            Restart(),
            WaitFor(exit=True),
        ),
        mode=Rehearsing,
    )
    rig.stage.publisher = published = Published()  # type: ignore[assignment]
    [result] = rig.stage.play_round()
    assert result.failure is None
    at = [state for state in published.states if "step" in state]
    assert [(state["step"], state["notes"], state["next"]) for state in at[:3]] == [
        ((1, 5, "$ python start-execution.py"), notes[0], "2. wait until it prints 5"),
        ((2, 5, "wait until it prints 5"), notes[1], "3. stop the program with Ctrl-C"),
        ((3, 5, "stop the program with Ctrl-C"), notes[2], "4. run the program again"),
    ]
    assert at[-1]["next"] == "the end of the round"
    assert at[0]["row"] == "1. run: " + NORMAL, "the rehearsal report's name for it, to plan by"
    said = rig.said()  # rehearsing with no notes screen: the notes are on the audience's screen
    assert all(f"Notes: {note}" in said for note in notes)


def test_offline_a_move_during_a_take_goes_there_and_no_scene_is_said_to_lack_its_take(
    tmp_path: Path,
) -> None:
    from director.takes import Takes

    one, two = scene(*PANELS, name="intro"), scene(*PANELS, name="outro")
    rig = Rig(one, two, mode=Presenting, presses={2: "restart", 250: "scene 1"})
    takes = Takes(tmp_path)
    for kept in (one, two):
        header = json.dumps({"version": 2, "width": 100, "height": 30})
        events = [json.dumps([at / 2, "o", f"{kept.title} {at}\r\n"]) for at in range(20)]
        cast = "\n".join([header, *events]) + "\n"  # some seconds: for the keys to cut short
        takes.save(rig.stage.show, kept, cast, (100, 30), "localhost:7233", [])
    rig.stage.net.takes = takes
    rig.stage.publisher = published = Published()  # type: ignore[assignment]
    results = rig.stage.play_round(offline=True)
    assert [(r.scene.name, r.failure) for r in results] == [("intro", None), ("outro", None)]
    assert all(r.shown_from for r in results), "each scene shown from its take, in the end"
    said = rig.said()
    assert said.count(" Intro ") == 3, "r showed its take again, and 1 went back to it"
    assert said.count(" Outro ") == 2
    assert "offline" not in said and "(not live)" in said, "the take's banner says it, once"
    offline = "from its verified take (offline: no Temporal, no program)"
    assert published.whys() == [
        (title, offline) for title in ("Intro", "Intro", "Outro", "Intro", "Outro")
    ]


def test_offline_back_over_a_take_shows_that_take_again(tmp_path: Path) -> None:
    from director.takes import Takes

    one = scene(*PANELS, name="intro")
    rig = Rig(one, mode=Presenting, presses={2: "back"})
    rig.stage.net.takes = takes = Takes(tmp_path)
    header = json.dumps({"version": 2, "width": 100, "height": 30})
    events = [json.dumps([at / 2, "o", f"Intro {at}\r\n"]) for at in range(20)]
    takes.save(rig.stage.show, one, "\n".join([header, *events]) + "\n", (100, 30), "x", [])
    [result] = rig.stage.play_round(offline=True)
    assert result.shown_from and rig.said().count(" Intro ") == 2, "the take, then again"


def test_a_dev_server_that_dies_again_on_the_replay_still_has_the_scenes_take_shown(
    tmp_path: Path,
) -> None:
    from director.takes import Takes

    rig = Rig(scene(Run(program=DURABLE, durable=True), WaitFor(number=3), Pause(seconds=1)))
    header = json.dumps({"version": 2, "width": 100, "height": 30})
    cast = "\n".join([header, json.dumps([0.5, "o", "the take\r\n"])]) + "\n"
    rig.stage.net.takes = takes = Takes(tmp_path)
    takes.save(rig.stage.show, rig.stage.show.scenes[0], cast, (100, 30), "localhost:7233", [])
    original = rig.counters.__call__

    def die_each_time(*args: object, **kwargs: object):
        rig.service.alive = False  # the dev server dies as each count starts
        return original(*args, **kwargs)

    rig.stage.spawn = die_each_time
    results = rig.stage.play_round()  # the take's waits find it dead too: not the scene's
    assert "the Temporal dev server died" in (results[0].failure or "")
    assert results[0].shown_from, "the verified take shown in the failed scene's place"


def test_each_key_the_show_takes_moves_where_it_is_for_a_phone_as_each_step_does() -> None:
    rig = Rig(scene(Narrate(title="One", body="a"), Narrate(title="Two", body="b")),
              presses={1: "other", 3: "next"})  # fmt: skip
    rig.stage.publisher = published = Published()  # type: ignore[assignment]
    rig.stage.play_round()
    places = [change["at"] for change in published.changes if "at" in change]
    assert places[:4] == [1, 2, 3, 4], "step one, the key read, next, step two"
    steps = [change["at"] for change in published.changes if "step" in change]
    assert steps[:2] == [1, 4]
