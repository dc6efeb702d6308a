"""From TOML values to typed fields: each value checked against its dataclass field's type
(ranges, one-line titles), each mistake said in a line, and the fields' reference table."""

from __future__ import annotations

import difflib
import json
import math
import re
import reprlib
import types
from dataclasses import MISSING, dataclass, field, fields
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints


class Invalid(Exception):
    """A value or rule broken; the loader adds the file, line and step. `field` names the field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def option(doc: str, default: Any = MISSING) -> Any:
    """A field: what it means (the scene reference shows it), and its default if it has one."""
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class Between:
    """The range a number field accepts, both ends included."""

    low: float
    high: float

    def __str__(self) -> str:
        return f"from {self.low:g} to {self.high:g}"


class OneLine:
    """A text rule: control characters (C0, DEL, C1) and line breaks become spaces, so a
    title cannot break a marker, a chapter or a page's button."""


Title = Annotated[str, OneLine()]
"""A title, a label: what becomes a marker of the recording, a chapter, a page's button."""
_CONTROLS = re.compile(r"(?: *[\x00-\x1f\x7f-\x9f\u2028\u2029])+ *")


def one_line(text: str) -> str:
    """`text` with every run of control characters and line breaks as one space."""
    return _CONTROLS.sub(" ", text).strip()


def build(cls: type, table: dict[str, Any]) -> Any:
    """An instance of the dataclass `cls` from a TOML table, each value checked against its
    field's type; Invalid names the field."""
    hints = get_type_hints(cls, include_extras=True)
    known = [f.name for f in fields(cls)]
    for name in table:
        if name not in known:
            raise Invalid(f"unknown field {shown(name)}{guess(name, known)}")
    values = {}
    for spec in fields(cls):
        if spec.name in table:
            try:
                values[spec.name] = convert(table[spec.name], hints[spec.name])
            except Invalid as error:
                raise Invalid(str(error), spec.name) from None
        elif spec.default is MISSING:
            raise Invalid(f"missing field '{spec.name}' ({spec.metadata['doc']})")
    return cls(**values)


def convert(value: Any, hint: Any) -> Any:
    """A TOML value as a field of type `hint` (lists become tuples); Invalid if it is not one."""
    if get_origin(hint) is Annotated:
        kind, *rules = get_args(hint)
        converted = convert(value, kind)
        for rule in rules:
            if isinstance(rule, Between) and not rule.low <= converted <= rule.high:
                raise Invalid(f"must be {rule}, not {shown(value)}")
            if isinstance(rule, OneLine):
                converted = one_line(converted)
        return converted
    if get_origin(hint) is Literal:
        if not isinstance(value, str) or value not in get_args(hint):
            choices = ", ".join(choice or '""' for choice in get_args(hint))
            raise Invalid(f"one of {choices}, not {shown(value)}")
        return value
    if get_origin(hint) is tuple:
        item = get_args(hint)[0]
        if not isinstance(value, list) or not all(_is(v, item) for v in value):
            raise Invalid(f"expected {type_name(hint)}, got {shown(value)}")
        return tuple(value)
    if not _is(value, hint):
        raise Invalid(f"expected {type_name(hint)}, got {shown(value)}")
    if hint is float and not math.isfinite(value):
        raise Invalid(f"expected a finite number, got {shown(value)}")
    return float(value) if hint is float else value


def shown(value: Any) -> str:
    """A value as an error message shows it: short, however large or deep it is."""
    short = reprlib.Repr()
    short.maxlevel, short.maxlist, short.maxdict, short.maxstring = 2, 4, 4, 40
    return short.repr(value)


def _is(value: Any, hint: Any) -> bool:
    if get_origin(hint) in (Union, types.UnionType):
        return any(_is(value, option) for option in get_args(hint))
    if isinstance(value, bool):
        return hint is bool
    return isinstance(value, int | float) if hint is float else isinstance(value, hint)


_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}
_ITEMS = {str: "text", int: "numbers", float: "numbers", dict: "tables"}


def type_name(hint: Any) -> str:
    """How a field's type is said to a user: "a number", "a list of text", "one of A, B"."""
    if get_origin(hint) is Annotated:
        kind, *rules = get_args(hint)
        return " ".join([type_name(kind), *(str(r) for r in rules if isinstance(r, Between))])
    if get_origin(hint) is Literal:
        return "one of " + ", ".join(f"`{choice}`" for choice in get_args(hint))
    if get_origin(hint) is tuple:
        item = get_args(hint)[0]
        kinds = get_args(item) if get_origin(item) in (Union, types.UnionType) else (item,)
        return "a list of " + " or ".join(_ITEMS[kind] for kind in kinds)
    return _NAMES[hint]


def guess(word: str, known: list[str]) -> str:
    """` (did you mean 'x'?)`, or the known words when none is close."""
    close = difflib.get_close_matches(word, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(known)})"


def fields_table(cls: type) -> list[str]:
    """A Markdown table of a dataclass's fields: name, type, default, meaning."""
    hints = get_type_hints(cls, include_extras=True)
    rows = ["| field | type | default | meaning |", "|---|---|---|---|"]
    for spec in fields(cls):
        kind = re.sub(r"^an? ", "", type_name(hints[spec.name]))
        default = "required" if spec.default is MISSING else f"`{json.dumps(spec.default)}`"
        rows.append(f"| `{spec.name}` | {kind} | {default} | {spec.metadata['doc']} |")
    return rows
