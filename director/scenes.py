"""Scenes as data: the step kinds, and loading and validating the playlist and scene files."""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from director import ROOT
from director.claims import CLAIMS
from director.errors import DemoError

REQUIRED = object()
SIGNALS = ("SIGINT", "SIGTERM", "SIGKILL")


@dataclass(frozen=True)
class Field:
    """One field of a step: its type, default (REQUIRED if none) and what it means."""

    type: type | tuple[type, ...]
    default: Any = REQUIRED
    doc: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class StepKind:
    """A step kind: what it does, its fields, and an example (the TOML under `[[steps]]`)."""

    description: str
    fields: dict[str, Field]
    example: str


def _number(doc: str, default: Any = REQUIRED) -> Field:
    return Field((int, float), default, doc)


_WHEN_SAVED = Field(
    bool,
    False,
    "durable programs: first wait until Temporal has saved the step just printed, "
    "so the crash lands between steps",
)

STEP_KINDS: dict[str, StepKind] = {
    "narrate": StepKind(
        "A title and a Markdown body in a panel.",
        {
            "title": Field(str, doc="the panel's title"),
            "body": Field(str, doc="Markdown text"),
            "notes": Field(str, "", "speaker notes, shown in rehearsal only"),
            "hold": _number("seconds on screen in hands-free mode (scaled by --speed)", 4),
        },
        (
            'title = "A program that counts"\n'
            'body = "It counts from **1 to 10**, one number a second."\n'
            'notes = "Ask who has had a job killed halfway."'
        ),
    ),
    "show_code": StepKind(
        "A file from the repo as highlighted code.",
        {
            "file": Field(str, doc="path from the repo's top"),
            "lines": Field(
                list, [], "first and last line to show: numbers, or text found on the line"
            ),
            "highlight": Field(list, [], "lines to highlight: numbers, or text found on the line"),
            "title": Field(str, "", "the panel's title; the file's path if empty"),
            "notes": Field(str, "", "speaker notes, shown in rehearsal only"),
            "hold": _number("seconds on screen in hands-free mode (scaled by --speed)", 5),
        },
        (
            'file = "counter/normal-execution/businesslogic.py"\n'
            'lines = ["def count_to", "time.sleep"]\n'
            'highlight = ["print(number"]'
        ),
    ),
    "ask": StepKind(
        "A question to the audience, with a countdown in hands-free mode.",
        {
            "question": Field(str, doc="what to ask"),
            "seconds": _number("countdown in hands-free mode (scaled by --speed)", 5),
            "notes": Field(str, "", "speaker notes, shown in rehearsal only"),
        },
        'question = "What number will it show first when we run it again?"\nseconds = 5',
    ),
    "run": StepKind(
        "Start a counter program in its own pty; its output streams into a labelled region.",
        {
            "program": Field(str, doc="the program's path from the repo's top"),
            "label": Field(str, "", "the region's title; `python <file name>` if empty"),
            "durable": Field(
                bool, False, "runs on Temporal: gets a fresh --workflow-id, --address, --namespace"
            ),
            "limit": Field(int, 0, "--limit; the playlist's limit if 0"),
            "interval": _number("--interval seconds; the playlist's if 0 (scaled by --speed)", 0),
        },
        'program = "counter/durable-execution/start-execution.py"\ndurable = true',
    ),
    "wait_for": StepKind(
        "Wait until the program prints a number, matches a pattern, or exits.",
        {
            "number": Field(int, 0, "a number the program prints on a line of its own"),
            "pattern": Field(str, "", "a regular expression its output matches"),
            "exit": Field(bool, False, "wait until the program has exited"),
            "timeout": _number(
                "seconds before the step fails; if 0, 10 s plus twice a whole count's time", 0
            ),
        },
        "number = 5",
    ),
    "interrupt": StepKind(
        "Send the program a signal (Ctrl-C by default) and wait for it to exit.",
        {
            "signal": Field(str, "SIGINT", "which signal", SIGNALS),
            "delay": _number("seconds to wait before sending it (scaled by --speed)", 0),
            "when_saved": _WHEN_SAVED,
            "timeout": _number("seconds to wait for the exit before stopping it hard", 5),
        },
        'signal = "SIGKILL"\nwhen_saved = true',
    ),
    "restart": StepKind(
        "Run the same program again with the same arguments (and workflow id).",
        {},
        "",
    ),
    "expect": StepKind(
        "Check claims against the numbers the scene's runs printed; a failure is shown loudly.",
        {"claims": Field(list, doc=f"claims to check, any of: {', '.join(CLAIMS)}")},
        'claims = ["resumes", "no_repeats", "no_gaps", "completes"]',
    ),
    "pause": StepKind(
        "A beat: seconds in hands-free mode, a key press when presenting.",
        {"seconds": _number("how long (scaled by --speed)", 2)},
        "seconds = 2",
    ),
    "summary": StepKind(
        "A table of every scene's runs so far: last before, first after, repeated, lost, claims.",
        {"title": Field(str, "What the programs really printed", "the table's title")},
        'title = "What the programs really printed"',
    ),
    "server": StepKind(
        "Kill the embedded Temporal dev server like a power cut, or start it again from its db "
        "file. A scene with this step is skipped, with a note, on an existing Temporal service.",
        {
            "action": Field(str, doc="what to do to the server", choices=("kill", "start")),
            "when_saved": _WHEN_SAVED,
        },
        'action = "kill"\nwhen_saved = true',
    ),
    "history": StepKind(
        "The scene's workflow's event history as a table, read through the Temporal API; "
        "the events around the disruption highlighted, and the Web UI link.",
        {
            "title": Field(str, "The workflow's event history", "the table's title"),
            "hold": _number("seconds on screen in hands-free mode (scaled by --speed)", 8),
        },
        "hold = 8",
    ),
}
"""Every step kind a scene may use."""

PLAYLIST_FIELDS = {
    "title": Field(str, doc="the talk's title"),
    "scenes": Field(list, doc="scene names (file names without .toml) in the order played"),
    "limit": Field(int, 10, "what counters count to"),
    "interval": _number("seconds between numbers", 1.0),
}
SCENE_FIELDS = {
    "title": Field(str, doc="the scene's title"),
    "steps": Field(list, doc="the steps, as [[steps]] tables"),
}


@dataclass(frozen=True)
class Step:
    """One step of a scene: its kind, its place (1-based) and its fields with defaults filled in."""

    kind: str
    number: int
    fields: dict[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.fields[name]


@dataclass(frozen=True)
class Scene:
    """One scene file: a title and its ordered steps."""

    name: str
    title: str
    path: Path
    steps: list[Step]

    @property
    def needs_temporal(self) -> bool:
        return self.needs_embedded_server or any(
            (step.kind == "run" and step["durable"]) or step.kind == "history"
            for step in self.steps
        )

    @property
    def needs_embedded_server(self) -> bool:
        return any(step.kind == "server" for step in self.steps)


@dataclass(frozen=True)
class Show:
    """The whole talk: the playlist's scenes, each loaded and validated."""

    title: str
    scenes: list[Scene]
    limit: int
    interval: float


def load_show(folder: Path, only: list[str] | None = None) -> Show:
    """Load the playlist and every scene in it, validated; DemoError names file, step and field."""
    playlist_path = folder / "playlist.toml"
    playlist = _fields(playlist_path, _read(playlist_path), PLAYLIST_FIELDS, "")
    names = playlist["scenes"]
    if not names or not all(isinstance(n, str) for n in names):
        raise DemoError(f"{_shown(playlist_path)}: field 'scenes': expected a list of scene names")
    for name in only or []:
        if name not in names:
            raise DemoError(f"no scene '{name}' in {_shown(playlist_path)}{_guess(name, names)}")
    scenes = [load_scene(folder / f"{name}.toml") for name in names]
    return Show(
        title=playlist["title"],
        scenes=[s for s in scenes if not only or s.name in only],
        limit=playlist["limit"],
        interval=float(playlist["interval"]),
    )


def load_scene(path: Path) -> Scene:
    """Load and validate one scene file."""
    data = _read(path)
    scene = _fields(path, data, SCENE_FIELDS, "")
    headers = [i for i, line in enumerate(path.read_text().splitlines(), 1) if _STEPS.match(line)]
    steps = []
    for number, raw in enumerate(scene["steps"], 1):
        line = f":{headers[number - 1]}" if number <= len(headers) else ""
        steps.append(_step(path, line, number, raw, steps))
    if not steps:
        raise DemoError(f"{_shown(path)}: a scene needs at least one [[steps]] table")
    return Scene(name=path.stem, title=scene["title"], path=path, steps=steps)


_STEPS = re.compile(r"^\s*\[\[\s*steps\s*\]\]")


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise DemoError(f"{_shown(path)}: no such file") from None
    except tomllib.TOMLDecodeError as error:
        # tomllib says "... (at line 3, column 7)": put the place first, as compilers do.
        place = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        what = re.sub(r"\s*\(at line.*\)", "", str(error))
        where = f":{place[1]}:{place[2]}" if place else ""
        raise DemoError(f"{_shown(path)}{where}: {what}") from None


def _step(path: Path, line: str, number: int, raw: Any, before: list[Step]) -> Step:
    where = f"{_shown(path)}{line}: step {number}"
    if not isinstance(raw, dict) or not isinstance(raw.get("kind"), str):
        raise DemoError(f"{where}: needs a 'kind' (one of {', '.join(STEP_KINDS)})")
    kind = raw["kind"]
    if kind not in STEP_KINDS:
        raise DemoError(f"{where}: unknown kind '{kind}'{_guess(kind, list(STEP_KINDS))}")
    where = f"{where} ({kind})"
    given = {k: v for k, v in raw.items() if k != "kind"}
    fields = _fields(path, given, STEP_KINDS[kind].fields, where)
    step = Step(kind, number, fields)
    _check_step(where, step, before)
    return step


def _check_step(where: str, step: Step, before: list[Step]) -> None:
    """What a field's type alone cannot say."""
    if step.kind in ("wait_for", "interrupt", "restart", "history") and not any(
        s.kind == "run" for s in before
    ):
        raise DemoError(f"{where}: no program runs yet: put a 'run' step before it")
    durable = any(s.kind == "run" and s["durable"] for s in before)
    if step.kind == "history" and not durable:
        raise DemoError(f"{where}: no workflow to show: put a durable 'run' step before it")
    if step.kind in ("interrupt", "server") and step["when_saved"] and not durable:
        raise DemoError(f"{where}: field 'when_saved': only a durable program saves its steps")
    if step.kind == "wait_for":
        given = [f for f in ("number", "pattern", "exit") if step[f]]
        if len(given) != 1:
            raise DemoError(f"{where}: give exactly one of 'number', 'pattern' or 'exit'")
        if step["pattern"]:
            try:
                re.compile(step["pattern"])
            except re.error as error:
                raise DemoError(f"{where}: field 'pattern': {error}") from None
    if step.kind == "show_code":
        file = ROOT / step["file"]
        if not file.is_file():
            raise DemoError(f"{where}: field 'file': no file {step['file']}")
        text = file.read_text().splitlines()
        step.fields["lines"] = _line_numbers(where, "lines", step["lines"], text)
        step.fields["highlight"] = _line_numbers(where, "highlight", step["highlight"], text)
        if len(step["lines"]) not in (0, 2) or step["lines"] != sorted(step["lines"]):
            raise DemoError(f"{where}: field 'lines': expected the first and the last line")
    if step.kind == "run" and not (ROOT / step["program"]).is_file():
        raise DemoError(f"{where}: field 'program': no file {step['program']}")
    if step.kind == "expect":
        for claim in step["claims"]:
            if claim not in CLAIMS:
                raise DemoError(
                    f"{where}: field 'claims': unknown claim '{claim}'{_guess(claim, list(CLAIMS))}"
                )
    for name in ("seconds", "hold", "timeout", "delay", "limit", "interval"):
        if name in step.fields and step[name] < 0:
            raise DemoError(f"{where}: field '{name}': must be 0 or more")


def _line_numbers(where: str, name: str, given: list[Any], text: list[str]) -> list[int]:
    """Line numbers from numbers or from text found on a line, checked against the file."""
    numbers = []
    for item in given:
        if isinstance(item, str):
            found = [n for n, line in enumerate(text, 1) if item in line]
            if not found:
                raise DemoError(f"{where}: field '{name}': no line contains {item!r}")
            numbers.append(found[0])
        elif isinstance(item, int) and not isinstance(item, bool) and 1 <= item <= len(text):
            numbers.append(item)
        else:
            raise DemoError(f"{where}: field '{name}': no line {item!r} in a {len(text)}-line file")
    return numbers


def _fields(path: Path, data: dict[str, Any], schema: dict[str, Field], where: str) -> dict:
    """Check names and types against the schema and fill in defaults."""
    where = where or _shown(path)
    for name in data:
        if name not in schema:
            raise DemoError(f"{where}: unknown field '{name}'{_guess(name, list(schema))}")
    out = {}
    for name, spec in schema.items():
        if name not in data:
            if spec.default is REQUIRED:
                raise DemoError(f"{where}: missing field '{name}' ({spec.doc})")
            out[name] = spec.default
            continue
        value = data[name]
        wrong = isinstance(value, bool) and spec.type is not bool
        if wrong or not isinstance(value, spec.type):
            expected = _TYPE_NAMES.get(spec.type, "a number")
            raise DemoError(f"{where}: field '{name}': expected {expected}, got {value!r}")
        if spec.choices and value not in spec.choices:
            raise DemoError(f"{where}: field '{name}': one of {', '.join(spec.choices)}")
        out[name] = value
    return out


_TYPE_NAMES = {str: "text", int: "a whole number", bool: "true or false", list: "a list"}


def _guess(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(known)})"


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to here when it can be."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def reference() -> str:
    """The scene reference in Markdown, made from STEP_KINDS so it cannot drift."""
    out = []
    for kind, spec in STEP_KINDS.items():
        out += [f"### `{kind}`", "", spec.description, ""]
        if spec.fields:
            out += ["| field | type | default | meaning |", "|---|---|---|---|"]
            for name, field in spec.fields.items():
                kinds = field.type if isinstance(field.type, tuple) else (field.type,)
                type_name = " or ".join(k.__name__ for k in kinds)
                default = (
                    "required" if field.default is REQUIRED else f"`{json.dumps(field.default)}`"
                )
                out.append(f"| `{name}` | {type_name} | {default} | {field.doc} |")
            out.append("")
        example = f'[[steps]]\nkind = "{kind}"\n{spec.example}'.rstrip()
        out += ["```toml", example, "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(reference(), end="")
