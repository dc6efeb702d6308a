"""Keeping Temporal there for the show: started before a scene needs it, watched while one
plays, waited for when an existing service stops answering, its db file kept small."""

from __future__ import annotations

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
        if not self.service.ready:
            self._start()
        elif self.service.existing and self.pacing.hands_free:
            self._await_answer(wait)

    def check(self) -> None:
        """StepFailed if the dev server died under a scene that did not kill it itself."""
        if self._watching and self.died:
            raise StepFailed("the Temporal dev server died")

    @property
    def died(self) -> bool:
        """Whether the dev server has stopped (the next scene that needs it starts it again)."""
        server = self.service.server
        return server is not None and server.process is not None and not server.running

    @property
    def rides_out(self) -> bool:
        """Whether Temporal failing ends only the scene, not the show: hands-free, once it ran."""
        return self.pacing.hands_free and self._ran

    def kill_server(self) -> None:
        """SIGKILL the dev server: the scene's own doing, so not a failure."""
        assert self.service.server is not None  # scenes with a server step are skipped otherwise
        self._watching = False
        self.service.server.kill()

    def start_server_again(self) -> float:
        """Start the dev server from its db file; seconds it took. Watched again from now."""
        took = self.service.start()
        self._watching = True
        return took

    def _start(self) -> None:
        what = "the Temporal dev server" if self.service.server else "Temporal"
        self.narrator.status(f"Starting {what}...")
        try:
            took = self.service.start()
        finally:
            self.narrator.status(None)
        self._ran = True
        ui = self.service.server.ui_url if self.service.server else None
        link = f" - Web UI [link={ui}]{ui}[/link]" if ui else ""
        self.narrator.info(
            f"Temporal ready at [bold]{self.service.address}[/] in {took:.1f} s{link}"
        )

    def _await_answer(self, wait: Wait) -> None:
        """Hands-free: an existing service that does not answer is waited for, with backoff."""
        delay = 1.0
        while not self.service.answers():
            self.narrator.status(
                f"[yellow]Temporal at {self.service.address} does not answer: "
                f"trying again in {delay:.0f} s[/]"
            )
            wait(delay)
            delay = min(delay * 2, 30.0)
        self.narrator.status(None)
