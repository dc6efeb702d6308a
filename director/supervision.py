"""Keeping Temporal there for the show: started before a scene needs it, watched while one
plays, waited for when an existing service stops answering, its db file kept small."""

from __future__ import annotations

from rich.markup import escape

from director.errors import StepFailed
from director.narration import Narrator
from director.pacing import Pacing, Wait
from director.scenes import Scene
from director.temporal import Service


class Keeper:
    """Looks after the Temporal service the scenes run on, and says what it does."""

    def __init__(
        self, service: Service, narrator: Narrator, pacing: Pacing, db_limit: int = 0
    ) -> None:
        self.service = service
        self.narrator = narrator
        self.pacing = pacing
        self.db_limit = db_limit
        """Bytes the dev server's db file may grow to between rounds; 0: no limit."""
        self._watching = False  # whether the dev server's death fails the scene now
        self._killed = False  # whether the scene killed it (and has not started it again)
        self._ran = False  # once it has run, a hands-free show rides out its later failures

    def new_round(self) -> None:
        """Between rounds: a dev server whose db file outgrew its limit starts afresh."""
        if self.db_limit and self.service.trim(self.db_limit):
            self.narrator.info("The dev server's db file outgrew its limit: starting afresh")

    def prepare(self, scene: Scene, wait: Wait) -> None:
        """Before a scene: Temporal there if the scene needs it, and watched while it plays."""
        self._watching = scene.needs_temporal
        if not scene.needs_temporal:
            return
        self._start_afresh_if_faulty()
        if not self.service.ready:
            self._start()
        elif not self.service.controllable and self.pacing.hands_free:
            self._await_answer(wait)

    def scene_over(self) -> None:
        """A scene ended: the dev server's death fails nothing until the next one begins
        (a take shown meanwhile is not live)."""
        self._watching = False

    def recovered(self) -> bool:
        """After a scene failed: whether Temporal was the cause (the dev server died, or lost
        its db file) and is put right, so the scene can play again. Says what happened."""
        if self.died:
            self.narrator.info("The Temporal dev server died: starting it again, same scene")
            return True
        return self._start_afresh_if_faulty(", same scene")

    def check(self) -> None:
        """StepFailed if the dev server died under a scene that did not kill it itself."""
        if self._watching and self.died:
            raise StepFailed("the Temporal dev server died")

    @property
    def died(self) -> bool:
        """Whether the dev server stopped by itself, not by a scene's own `server` step (the
        next scene that needs it starts it again either way)."""
        return self.service.died and not self._killed

    @property
    def rides_out(self) -> bool:
        """Whether Temporal failing ends only the scene, not the show: hands-free, once it ran."""
        return self.pacing.hands_free and self._ran

    def kill_server(self) -> None:
        """SIGKILL the dev server: the scene's own doing, so not a failure."""
        self._watching = False
        self._killed = True
        self.service.kill()  # a scene with a server step is skipped unless it is controllable

    def start_server_again(self) -> float:
        """Start the dev server from its db file; seconds it took. Watched again from now."""
        took = self._starting("Starting the Temporal dev server again...")
        self._watching, self._killed = True, False
        return took

    def _start_afresh_if_faulty(self, then: str = "") -> bool:
        """A dev server that can no longer keep its state is stopped and its db file deleted,
        for a fresh start; whether it was."""
        fault = self.service.storage_fault()
        if fault is None:
            return False
        self.narrator.info(
            f"[stage.warning]The Temporal dev server {fault}:[/] starting it afresh with a new db "
            "file" + then
        )
        self.service.afresh()
        return True

    def _start(self) -> None:
        took = self._starting("Starting the Temporal dev server...")  # the one ever not ready
        self._ran, self._killed = True, False
        ui = self.service.ui_url
        link = f" - Web UI [link={ui}]{ui}[/link]" if ui else ""
        self.narrator.info(
            f"Temporal ready at [bold]{escape(self.service.address)}[/] in {took:.1f} s{link}"
        )

    def _starting(self, status: str) -> float:
        """Start the service with `status` and a spinner on screen meanwhile; seconds it took."""
        self.narrator.status(status)
        try:
            return self.service.start()
        finally:
            self.narrator.status(None)

    def _await_answer(self, wait: Wait) -> None:
        """Hands-free: an existing service that does not answer is waited for, with backoff."""
        delay = 1.0
        while not self.service.answers():
            self.narrator.status(
                f"[stage.warning]Temporal at {escape(self.service.address)} does not answer: "
                f"trying again in {delay:.0f} s[/]"
            )
            wait(delay)
            delay = min(delay * 2, 30.0)
        self.narrator.status(None)
