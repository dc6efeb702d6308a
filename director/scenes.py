"""The talk's files: loading the playlist and its scenes into typed steps, each mistake named."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Any, Literal

from director import TALK
from director.errors import DemoError
from director.fields import Between, Invalid, Title, build, fields_table, guess, option, shown
from director.files import Unreadable, read_text
from director.plays import PLAYS
from director.steps import STEP_KINDS, Context, Server, Step


@dataclass(frozen=True, kw_only=True)
class Playlist:
    """playlist.toml: the talk's title, its scenes in order, and the counters' pace."""

    title: Title = option("the talk's title")
    scenes: tuple[str, ...] = option("scene names (file names without .toml) in the order played")
    limit: Annotated[int, Between(1, 10_000)] = option("what counters count to", 10)
    interval: Annotated[float, Between(0.01, 60)] = option("seconds between numbers", 1.0)
    closing: Title = option(
        "the line the talk ends on, under the summary table (where to learn more, for a booth "
        "or a video); none if empty",
        "",
    )


@dataclass(frozen=True, kw_only=True)
class SceneFile:
    """A scene file: its title and its steps as TOML tables."""

    title: Title = option("the scene's title")
    history: Literal["", "live"] = option(
        "live: its workflow's event history grows in a pane beside its programs, each event as "
        "Temporal writes it (where the screen has room for it)", "",
    )  # fmt: skip
    steps: tuple[dict, ...] = option("the steps, as [[steps]] tables")


@dataclass(frozen=True)
class Scene:
    """One scene: a title and its ordered steps."""

    name: str
    title: str
    path: Path
    steps: tuple[Step, ...]
    history: str = ""
    """"live": its workflow's history is followed into a pane as Temporal writes it."""

    @property
    def needs_temporal(self) -> bool:
        return any(step.needs_temporal for step in self.steps)

    @property
    def needs_embedded_server(self) -> bool:
        return any(isinstance(step, Server) for step in self.steps)


@dataclass(frozen=True)
class Show:
    """The whole talk: the playlist's scenes, each loaded and validated."""

    title: str
    scenes: tuple[Scene, ...]
    limit: int
    interval: float
    talk: Path = TALK
    """The talk's folder: where the steps' programs and files are."""
    closing: str = ""
    """The playlist's closing line: under the summary table."""


def load_show(folder: Path, only: list[str] | None = None, talk: Path = TALK) -> Show:
    """The playlist in `folder` and every scene in it, validated; paths in steps are resolved
    against `talk`. DemoError names the file, line, step and field of a mistake."""
    path = folder / "playlist.toml"
    playlist = _build(Playlist, _read(path)[0], _typed(path))
    if not playlist.scenes:
        raise DemoError(f"{_typed(path)}: field 'scenes': name at least one scene")
    for name in playlist.scenes:
        if not _NAME.fullmatch(name):
            raise DemoError(
                f"{_typed(path)}: field 'scenes': {name!r} is not a scene's file name "
                "(letters, digits, - and _, without .toml)"
            )
    for name in only or []:
        if name not in playlist.scenes:
            raise DemoError(
                f"no scene {shown(name)} in {_typed(path)}{guess(name, list(playlist.scenes))}"
            )
    scenes = [load_scene(folder / f"{name}.toml", talk, playlist.limit) for name in playlist.scenes]
    return Show(
        title=playlist.title,
        scenes=tuple(s for s in scenes if not only or s.name in only),
        limit=playlist.limit,
        interval=playlist.interval,
        talk=talk,
        closing=playlist.closing,
    )


def load_scene(path: Path, talk: Path = TALK, limit: int = 10) -> Scene:
    """One scene file, validated."""
    data, text = _read(path)
    scene = _build(SceneFile, data, _typed(path))
    if not scene.steps:
        raise DemoError(f"{_typed(path)}: a scene needs at least one [[steps]] table")
    # TOML ends a line with "\n" alone (or "\r\n"): a U+2028 in a string is no line's end.
    headers = [n for n, line in enumerate(text.split("\n"), 1) if _STEPS.match(line)]
    steps: list[Step] = []
    for number, table in enumerate(scene.steps, 1):
        line = f":{headers[number - 1]}" if number <= len(headers) else ""
        where = f"{_typed(path)}{line}: step {number}"
        steps.append(_step(where, table, Context(talk, tuple(steps), limit)))
    if scene.history and not any(getattr(step, "durable", False) for step in steps):
        raise DemoError(f"{_typed(path)}: field 'history': only a scene with a durable "
                        "program has a workflow history to follow")  # fmt: skip
    return Scene(path.stem, scene.title, path, tuple(steps), scene.history)


_STEPS = re.compile(r"^\s*\[\[\s*steps\s*\]\]")
_NAME = re.compile(r"[A-Za-z0-9_-]+")


def _step(where: str, table: dict[str, Any], context: Context) -> Step:
    kind = table.get("kind")
    if not isinstance(kind, str):
        raise DemoError(f"{where}: needs a 'kind' (one of {', '.join(STEP_KINDS)})")
    if kind not in STEP_KINDS:
        raise DemoError(f"{where}: unknown kind {shown(kind)}{guess(kind, list(STEP_KINDS))}")
    cls = STEP_KINDS[kind]
    where = f"{where} ({kind})"
    if cls not in PLAYS:
        raise DemoError(f"{where}: the director cannot play this kind: it has no play in PLAYS")
    step = _build(cls, {k: v for k, v in table.items() if k != "kind"}, where)
    if cls.after_run and not context.runs:
        raise DemoError(f"{where}: no program runs yet: put a 'run' step before it")
    try:
        step.check(context)
    except Invalid as error:
        raise _located(where, error) from None
    return step


def _build(cls: type, table: dict[str, Any], where: str) -> Any:
    try:
        return build(cls, table)
    except Invalid as error:
        raise _located(where, error) from None


def _located(where: str, error: Invalid) -> DemoError:
    field = f" field '{error.field}':" if error.field else ""
    return DemoError(f"{where}:{field} {error}")


def _read(path: Path) -> tuple[dict[str, Any], str]:
    """A TOML file's tables, and its text."""
    try:
        text = read_text(path).removeprefix("\ufeff")  # the mark some editors put first
        return tomllib.loads(text), text
    except Unreadable as error:
        raise DemoError(f"{_typed(path)}: {error}") from None
    except RecursionError:
        raise DemoError(f"{_typed(path)}: tables or lists nested too deeply") from None
    except tomllib.TOMLDecodeError as error:
        # tomllib says "... (at line 3, column 7)": put the place first, as compilers do.
        place = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        what = re.sub(r"\s*\(at line.*\)", "", str(error))
        where = f":{place[1]}:{place[2]}" if place else ""
        raise DemoError(f"{_typed(path)}{where}: {what}") from None


def _typed(path: Path) -> str:
    """A path as the user would type it: relative to here when it can be."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def reference() -> str:
    """The playlist's fields and the step reference in Markdown, made from the dataclasses
    so that it cannot drift."""
    out = ["### `playlist.toml`", "", *fields_table(Playlist), ""]
    out += ["### A scene file", "", *fields_table(SceneFile), ""]
    for kind, cls in STEP_KINDS.items():
        out += [f"### `{kind}`", "", " ".join((cls.__doc__ or "").split()), ""]
        out += [*fields_table(cls), ""] if fields(cls) else []
        for example in (cls.example, *cls.more_examples):
            step = f'[[steps]]\nkind = "{kind}"\n{example}'.rstrip()
            out += ["```toml", step, "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(reference(), end="")
