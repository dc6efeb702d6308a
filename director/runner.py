"""The stage: plays a round of scenes step by step (each kind's play looked up in PLAYS), and
decides where the show goes when the presenter asks to be elsewhere."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.markup import escape

from director import replayer
from director.errors import DemoError, Quit, StepFailed
from director.following import Follower
from director.keys import Action, Keys, Press
from director.narration import Narrator
from director.pacing import Pacing
from director.plays import PLAYS
from director.processes import ChildProcess
from director.programs import ScenePlay
from director.publisher import Publisher
from director.results import SceneResult
from director.scenes import Scene, Show
from director.screen import Shown
from director.steps import Step
from director.supervision import Keeper
from director.takes import SafetyNet

# Why a scene plays now, for the notes screen (the audience's header shows only the scene):
RESTARTED = "again from its start, clean state (Home or r)"
JUMPED = "jumped to ({number}), clean state"
RECOVERED = "again from its start: Temporal failed and was put right"
OFFLINE = "from its verified take (offline: no Temporal, no program)"
LOOKING_BACK = "Looking back: panel {at} of {count} (Right or Space comes forward)"
"""What the notes screen says while the presenter looks back (the scene goes on under it)."""
LEFT_OUT = "The live history is left out: this screen has no room for a third region"
"""What the notes screen says when the scene's live history has no pane on the stage."""


class Stage:
    """Plays scenes: each step in turn, Temporal kept by its keeper, the safety net under it."""

    def __init__(
        self,
        show: Show,
        narrator: Narrator,
        keys: Keys,
        keeper: Keeper,
        pacing: Pacing,
        net: SafetyNet,
        publisher: Publisher | None = None,
        *,
        spawn: Callable[..., ChildProcess] = ChildProcess,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.show = show
        self.narrator = narrator
        self.keys = keys
        self.keeper = keeper
        self.service = keeper.service
        self.pacing = pacing
        self.spawn = spawn
        self._time = clock
        self._browsed = 0.0
        """The seconds spent looking back: the show's clock leaves them out."""
        self._place = 0
        """Where the show is, for a phone's press to be taken only where it was pressed:
        one more at each step begun and at each key taken (a build, a look back)."""
        self.results: list[SceneResult] = []
        self.play = ScenePlay.of(show.scenes[0])  # the scene playing now; the first before
        self._size = narrator.size
        narrator.talk(show.title)
        self.publisher = publisher
        """Where the notes screen learns where the show is, if one may follow it."""
        self.net = net
        """Keeps each verified scene's take, and shows it when a scene fails."""

    def play_round(self, offline: bool = False) -> list[SceneResult]:
        """Every scene once, each from a clean state, unless the presenter goes elsewhere
        (the scene again, another scene); the results, also kept in `results`. `offline`:
        every scene from its take alone, no Temporal, no program."""
        if offline:
            return self._play_offline()
        self.keeper.new_round()
        self.publish(talk=self.show.title, talk_since=time.time(), claims=[])
        scenes = self.show.scenes
        played: dict[int, SceneResult] = {}
        self.results = []
        index, why = 0, ""
        while index < len(scenes):
            scene = scenes[index]
            move = self._scene(scene, index + 1, why)
            again = not move and self.play.result.failure and scene.needs_temporal
            if again and self.keeper.recovered():  # Temporal was the cause, and is put right
                move = self._scene(scene, index + 1, RECOVERED)
            result = self.play.result
            if not move and not result.held and self.net.on:
                move = self.net.show(self.show, scene, result, self.pacing.speed, self._over_take)
            if move:
                index, why = self._elsewhere(move, index)
                continue
            played[index] = result  # a scene played again: its claims checked afresh
            self.results = [played[i] for i in sorted(played)]
            index, why = index + 1, ""
        return self.results

    def clock(self) -> float:
        """The show's time: the time spent looking back left out, so a wait's timeout (a
        wait_for, an interrupt's delay) stands still meanwhile."""
        return self._time() - self._browsed

    def _elsewhere(self, move: Press, index: int) -> tuple[int, str]:
        """The scene a move leads to, and why it plays now."""
        if move.action is Action.SCENE and move.scene is not None:
            return move.scene - 1, JUMPED.format(number=move.scene)
        return index, RESTARTED

    def _scene(self, scene: Scene, number: int, why: str = "") -> Press | None:
        """The scene's steps from a clean state (a fresh workflow id), the notes screen told
        `why` it plays now if not in turn; its result in `play`. The presenter's move
        elsewhere (this scene again, another), if one cut it short."""
        self.play = play = ScenePlay.of(scene)
        result = play.result
        started = self.clock()
        self.net.scene_begins()
        self.narrator.scene(number, len(self.show.scenes), scene.title)
        self.publish(scene=(number, len(self.show.scenes), scene.title), why=why)
        if scene.needs_embedded_server and not self.service.controllable:
            self.narrator.info(
                f"[stage.warning]Skipped:[/] this scene controls the embedded dev server, and the "
                f"talk runs on the existing Temporal service at {escape(self.service.address)}."
            )
            return None
        index, step, move = 0, None, None
        steps = scene.steps
        try:
            self.keeper.prepare(scene, self.idle)  # waits hands-free only: no move comes
            while index < len(steps):
                step = steps[index]
                began = self.clock()
                self._at(number, index)
                self.narrator.at_step(
                    f"{scene.title} - step {index + 1}/{len(steps)} ({step.kind})"
                )
                if move := self._play(step):
                    break
                result.step_seconds.append((step.describe(index + 1), self.clock() - began))
                index += 1
        except (StepFailed, DemoError) as failure:
            if isinstance(failure, DemoError) and not self.keeper.rides_out:
                raise  # Temporal that never started (a busy port...) ends the show: say why
            where = f"step {index + 1} ({step.kind})" if step else "before its first step"
            result.failure = f"{scene.title}, {where}: {failure}"
            self.narrator.failure(result.failure)
        finally:
            self.end_programs()
            if play.follower is not None:
                play.follower.stop()  # its pane keeps what it saw until the next scene
            self.keeper.scene_over()
            result.seconds = self.clock() - started
        if not move and result.held:
            self.net.keep(self.show, scene, result, self.service.address, self.pacing.speed)
        return move

    def _play_offline(self) -> list[SceneResult]:
        """Every scene from its verified take, labelled, in order; a scene without one
        fails, named. The presenter's moves go where they go live (r: this take again; a
        digit: that scene's); back over a take is this take again."""
        scenes = self.show.scenes
        played: dict[int, SceneResult] = {}
        index = 0
        while index < len(scenes):
            scene = scenes[index]
            self.narrator.scene(index + 1, len(scenes), scene.title)  # the take: its banner
            self.publish(scene=(index + 1, len(scenes), scene.title), why=OFFLINE)
            result = SceneResult(scene)
            if move := self.net.show(self.show, scene, result, self.pacing.speed, self._over_take):
                index = self._elsewhere(move, index)[0]
                continue
            if result.shown_from is None:
                result.failure = f"{scene.title}: no verified take to show"
            played[index] = result
            index += 1
        self.results = [played[i] for i in sorted(played)]
        return self.results

    def _at(self, number: int, index: int) -> None:
        """A step begins: the notes screen is told; the notes are on the audience's screen
        only in rehearsal with no notes screen following."""
        scene, steps = self.play.scene, self.play.scene.steps
        step = steps[index]
        self._place += 1
        followed = self.publisher is not None and self.publisher.followed
        self.narrator.notes = self.pacing.rehearsal and not followed
        if index + 1 < len(steps):
            after = f"{index + 2}. {steps[index + 1].headline}"
        elif number < len(self.show.scenes):
            after = f"scene {number + 1}: {self.show.scenes[number].title}"
        else:
            after = "the end of the round"
        self.publish(
            scene=(number, len(self.show.scenes), scene.title),
            step=(index + 1, len(steps), step.headline),
            row=step.describe(index + 1),  # the rehearsal report's name for it: to plan by
            left_out=LEFT_OUT if self.narrator.history_left_out else "",
            notes=step.notes,
            next=after,
            step_since=time.time(),
            at=self._place,
        )

    def publish(self, **changes: object) -> None:
        """Tell the notes screen, if one may follow."""
        if self.publisher is not None:
            self.publisher.publish(**changes)

    def close(self) -> None:
        """Stop the programs that run, and all they started (SIGTERM, then SIGKILL), the
        history's follower and a replay under way."""
        for program in self.play.programs.values():
            program.end(grace=0.5)
        if self.play.follower is not None:
            self.play.follower.stop()
        replayer.stop_all()

    def follow(self) -> None:
        """Follow the scene's workflow history as Temporal writes it, into its live pane,
        off the show's thread (once a scene)."""
        if self.play.follower is None:
            config, workflow_id = self.service.client_config, self.play.workflow_id
            self.play.follower = Follower(config, workflow_id).start()
            self.narrator.follow(self.play.follower)  # the next step tells the notes if it fits

    def _play(self, step: Step) -> Press | None:
        """One step: what its kind does (see plays); its notes where the rehearsal shows
        them (a panel's after its panel)."""
        if not step.main:
            self.narrator.speaker_notes(step.notes)
        return PLAYS[type(step)](self, step)

    def end_programs(self) -> None:
        """Stop the programs if they still run, record how they ended, show their panels."""
        for name in self.play.programs:
            self.end_program(name)

    def end_program(self, name: str) -> None:
        """Stop the program called `name` if it still runs, record how it ended, show it."""
        if (program := self.play.programs.get(name)) is not None and program.end():
            self.narrator.program_ended(name)

    def note_programs(self) -> None:
        """Each program's run, as it is now (they may still run)."""
        for program in self.play.programs.values():
            program.note()

    def idle(self, seconds: float) -> Press | None:
        """Wait up to `seconds`, reading the programs' output and the keys: what the
        presenter asked (Action.NEXT, or a move elsewhere), or None. Back looks back
        through the scene's panels, then this wait goes on."""
        return self._heed(self._read(seconds))

    def _read(self, seconds: float) -> Press | None:
        """Up to `seconds` of the programs' output and the keys: the key pressed, if any."""
        self.keeper.check()
        self._follow_resize()
        running = [program for program in self.play.programs.values() if program.running]
        for program in running:
            program.read(seconds / len(running))
        press = self.keys.read(0 if running else seconds)
        if press is not None:  # the show moved on from where a phone saw it
            self._place += 1
            self.publish(at=self._place)
        return press

    def _heed(self, press: Press | None, browsing: bool = False) -> Press | None:
        """Do what a key asks here: quit, black the screen, show the keys, look back. The
        press if it is for the step (Action.NEXT) or moves the show elsewhere (or, while
        `browsing`, goes back); else None.

        With no presenter (hands-free) only next and quit count; a key pressed while the
        screen is black or the keys are shown only brings the screen back."""
        if press is None:
            return None
        if press.action is Action.QUIT:
            raise Quit
        screen = self.narrator.screen
        if press.action is Action.NEXT and not (screen.blackout or screen.help):
            return press
        if self.pacing.hands_free:
            return None
        if screen.blackout or screen.help or press.action in (Action.BLACKOUT, Action.HELP):
            overlay = "blackout" if screen.blackout else "help" if screen.help else None
            self.narrator.toggle(overlay or press.action.value)
            self.publish(blackout=self.narrator.screen.blackout)  # the phone's button says so
        elif press.action is Action.SCENE and (press.scene or 0) > len(self.show.scenes):
            return None  # no such scene
        elif press.action is Action.BACK:
            return press if browsing else self._browse()
        elif press.moves:
            return press
        return None

    def _over_take(self, seconds: float) -> Press | None:
        """A wait while a take is shown in the scene's place: as `idle`, but back, with no
        panel of the take to go back to, is this take (offline) or scene again, as r."""
        press = self._read(seconds)
        return self._heed(Press(Action.RESTART) if press == Press(Action.BACK) else press)

    def _browse(self) -> Press | None:
        """Back through the scene's panels shown so far, one a press (the first stays), next
        forward again, while the programs run on in their region and the wait that was cut
        short stands still (`clock`). Next at the live point returns to that wait (None);
        a move elsewhere (r, a digit) is returned. The notes screen says so meanwhile."""
        live = self.narrator.screen
        panels = [*live.shown]
        if panels and panels[-1].main is live.main:
            panels.pop()
        panels.append(Shown.of(live))  # the live point: as it is now, with what was said since
        last = at = len(panels) - 1
        why = self.publisher.state.get("why", "") if self.publisher is not None else ""
        press, began = Press(Action.BACK), self._time()
        self.narrator.waiting_for_key(True)
        try:
            while True:
                if press is not None and press.action in (Action.BACK, Action.NEXT):
                    to = max(0, at - 1) if press.action is Action.BACK else at + 1
                    if to >= last:
                        return None
                    if to != at:
                        at = to
                        self.narrator.browse(panels[at])
                        self.publish(why=LOOKING_BACK.format(at=at + 1, count=len(panels)))
                elif press is not None:
                    return press
                press = self._heed(self._read(0.25), browsing=True)
        finally:
            if at != last:
                self.narrator.browse(panels[last])
                self.publish(why=why)
            self.narrator.waiting_for_key(live.waiting)
            self._browsed += self._time() - began

    def _follow_resize(self) -> None:
        """The one resize path: the terminal's new size to the narration (and the recording
        it feeds), then to the running programs' ptys."""
        size = self.narrator.size
        if size != self._size:
            self._size = size
            self.narrator.resize(size)
            for program in self.play.programs.values():
                program.resize(self.narrator.program_size)
