"""Draw the docs' pictures of the stage layout (the README) and the notes screen
(docs/presenting.md), as SVG, from the real talk's scene files with the director's own layouts.

Run: .venv/bin/python docs/pictures.py (or `make pictures`).
"""

from __future__ import annotations

import io
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from director import TALK  # noqa: E402
from director.layouts import LAYOUTS  # noqa: E402
from director.narration import Narrator  # noqa: E402
from director.notes import NotesScreen  # noqa: E402
from director.scenes import load_show  # noqa: E402
from director.steps import Ask  # noqa: E402
from director.terminal import Terminal  # noqa: E402


@dataclass
class Stopped:
    """What the program panel reads of a counter that Ctrl-C stopped at 5."""

    label: str = "python start-execution.py"
    output: str = "1\r\n2\r\n3\r\n4\r\n5\r\n"
    running: bool = False
    status: int = 130
    size: tuple[int, int] = (7, 116)

    @property
    def terminal(self) -> Terminal:
        terminal = Terminal(self.size[1], self.size[0])
        terminal.write(self.output)
        return terminal


def console(width: int, height: int) -> Console:
    return Console(file=io.StringIO(), width=width, height=height, record=True)


def stage_picture(path: Path) -> None:
    show = load_show(TALK / "scenes", ["with-temporal"], TALK)
    scene = show.scenes[0]
    [ask] = [step for step in scene.steps if isinstance(step, Ask)]
    screen = console(120, 32)
    narrator = Narrator(screen, layout=LAYOUTS["stage"])
    narrator.talk("Durable execution, live")
    narrator.scene(2, 6, scene.title)
    narrator.program_started(Stopped())  # type: ignore[arg-type]
    narrator.program_ended()
    narrator.ask(ask.question)
    narrator.at_step(f"{scene.title} - step 7/11 (ask)")
    narrator.waiting_for_key(True)
    screen.print(narrator.layout)
    screen.save_svg(str(path), title="counter-demo: the stage")


def notes_picture(path: Path) -> None:
    show = load_show(TALK / "scenes", ["with-temporal"], TALK)
    scene = show.scenes[0]
    index = next(i for i, step in enumerate(scene.steps) if isinstance(step, Ask))
    notes = NotesScreen(ROOT / ".state")
    notes.connected = True
    now = time.time()
    notes.state = {
        "talk": show.title,
        "scene": [2, 6, scene.title],
        "step": [index + 1, len(scene.steps), scene.steps[index].headline],
        "notes": scene.steps[index].notes,
        "next": f"{index + 2}. {scene.steps[index + 1].headline}",
        "step_since": now - 12,
        "talk_since": now - 95,
        "claims": [
            [True, "after the restart it starts again at 1"],
            [True, "the count reaches its limit"],
        ],
    }
    screen = console(100, 20)
    screen.print(notes)
    screen.save_svg(str(path), title="counter-demo --notes")


if __name__ == "__main__":
    stage_picture(ROOT / "docs" / "stage.svg")
    notes_picture(ROOT / "docs" / "notes.svg")
