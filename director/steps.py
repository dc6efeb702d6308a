"""Step kinds: one frozen dataclass a kind (in panel_steps and program_steps), each field
documented beside it; here, the union of them all and the table by name."""

from __future__ import annotations

from typing import get_args

from director.fields import Invalid, one_line, shown
from director.panel_steps import Ask, History, Narrate, Pause, ShowCode, Summary
from director.program_steps import (
    LOCAL,
    Expect,
    Interrupt,
    Restart,
    Run,
    Server,
    WaitFor,
)
from director.step_base import Context, StepKind

Step = (
    Narrate
    | ShowCode
    | Ask
    | Run
    | WaitFor
    | Interrupt
    | Restart
    | Expect
    | Pause
    | Summary
    | Server
    | History
)
"""Any step of a scene: a new kind goes here, and its play in plays.PLAYS."""

STEP_KINDS: dict[str, type[Step]] = {kind.kind: kind for kind in get_args(Step)}
"""Every step kind, by its name in a scene file."""

__all__ = [
    "LOCAL", "STEP_KINDS", "Ask", "Context", "Expect", "History", "Interrupt", "Invalid",
    "Narrate", "Pause", "Restart", "Run", "Server", "ShowCode", "Step", "StepKind", "Summary",
    "WaitFor", "one_line", "shown",
]  # fmt: skip
