"""Shared helpers: a real Temporal dev server for the session, programs in real ptys, and
reading what a terminal showed."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import html5lib
import pexpect
import psutil
import pyte
import pytest

from director import CHECKOUT, TALK
from director.devserver import DevServer

COUNTERS = {
    "normal": TALK / "counter" / "normal-execution" / "start-execution.py",
    "durable": TALK / "counter" / "durable-execution" / "start-execution.py",
}
DEMO = str(CHECKOUT / "demo.py")
# The pty's size is the terminal's: COLUMNS or LINES would pin Rich to a fixed size.
TERMINAL_ENV = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
ANSI = r"(?:\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x1b]*\x1b\\)*"


@pytest.fixture(scope="session")
def temporal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    """A real `temporal server start-dev` on free ports with its own db file."""
    server = DevServer(tmp_path_factory.mktemp("temporal") / "dev.db", ui=False)
    server.start()
    yield server
    server.stop()


# --- The counters -------------------------------------------------------------------------


def spawn_counter(kind: str, *args: str, timeout: float = 30) -> pexpect.spawn:
    """One counter program in its own pty, its output decoded as text, started as a shell
    starts it: Ctrl-C as the system has it, whatever this test process left it as (an
    ignored SIGINT is inherited, and the normal counter would count on through Ctrl-C)."""
    return pexpect.spawn(
        sys.executable,
        [str(COUNTERS[kind]), *args],
        encoding="utf-8",
        codec_errors="replace",
        timeout=timeout,
        dimensions=(24, 80),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def finish(child: pexpect.spawn) -> str:
    """Everything the child prints until it exits; the child is closed afterwards."""
    child.expect(pexpect.EOF)
    child.close()
    return child.before


def numbers(text: str) -> list[int]:
    """The numbers in a counter's output; fails unless the output is nothing but numbers."""
    assert re.fullmatch(r"(\d+\r?\n)*", text), f"not only numbers on the terminal: {text!r}"
    return [int(line) for line in text.split()]


# --- The director -------------------------------------------------------------------------


def director(
    tmp_path: Path,
    *args: str,
    rows: int = 50,
    cols: int = 120,
    env: dict[str, str] | None = None,
    colors: str | None = "dark",
) -> pexpect.spawn:
    """demo.py in its own pty (with `env` added to its environment); everything it prints
    is kept in `child.logfile_read`.

    In the scroll layout unless told otherwise (a notes screen has none): what it says stays
    in the stream to be read (the stage layout's own tests say --layout stage). Told its
    `colors` (None: it asks the terminal): a pty with no terminal behind it answers no
    query, and each show would wait for the answer (tests/e2e/test_colors.py asks)."""
    layout = [] if "--layout" in args or "--notes" in args else ["--layout", "scroll"]
    told = ["--colors", colors] if colors and "--colors" not in args else []
    child = pexpect.spawn(
        sys.executable,
        [DEMO, "--state-dir", str(tmp_path / "state"), *layout, *told, *args],
        encoding="utf-8",
        codec_errors="replace",
        timeout=120,
        dimensions=(rows, cols),
        env={**TERMINAL_ENV, "TERM": "xterm-256color", **(env or {})},
    )
    child.logfile_read = io.StringIO()
    return child


HOME = "\x1b[H"
"""Where each whole frame of the stage begins."""


def frames(child: pexpect.spawn, columns: int, rows: int) -> Iterator[list[str]]:
    """Each whole frame the stage draws until the show ends (read through pyte, as the
    audience sees it: a row a string); the child is closed afterwards."""
    terminal = pyte.Screen(columns, rows)
    stream = pyte.Stream(terminal)
    pending = ""
    while True:
        try:
            pending += child.read_nonblocking(65536, timeout=1)
        except pexpect.TIMEOUT:
            continue
        except pexpect.EOF:
            break
        *whole, pending = pending.split(HOME)
        for frame in whole:
            stream.feed(frame)
            yield list(terminal.display)
            stream.feed(HOME)
    child.close()


def shown(text: str) -> str:
    """A regex for `text` as a terminal shows it: escape codes may stand between its letters."""
    return ANSI.join(map(re.escape, text))


def plain(output: str) -> str:
    """Terminal output without its escape codes."""
    return re.sub(ANSI, "", output)


def descendants(child: pexpect.spawn) -> list[psutil.Process]:
    return psutil.Process(child.pid).children(recursive=True)


def command_line(process: psutil.Process) -> str:
    """Its command line, or '' once it has exited (a zombie, or gone): a process found
    among the descendants may end before it is asked."""
    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""


def gone(processes: list[psutil.Process], within: float = 2.0) -> bool:
    """Whether all of them exit within `within` s; any left are killed, failed test or not."""
    _, alive = psutil.wait_procs(processes, timeout=within)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.kill()
    return not alive


def ends(child: pexpect.spawn) -> str:
    """Its output, without escape codes, once it has exited."""
    child.expect(pexpect.EOF)
    child.close()
    return plain(child.logfile_read.getvalue())


# --- Recordings ---------------------------------------------------------------------------


def read_cast(path: Path) -> tuple[dict, list[list]]:
    """The header and the events, each line checked against asciinema's v2 format."""
    text = path.read_bytes().decode("utf-8")
    header, *lines = text.removesuffix("\n").split("\n")  # by "\n" alone, as it is written
    meta = json.loads(header)
    assert meta["version"] == 2
    assert isinstance(meta["width"], int) and isinstance(meta["height"], int)
    assert isinstance(meta["timestamp"], int) and meta["title"]
    assert set(meta["env"]) == {"TERM", "SHELL"}
    events = [json.loads(line) for line in lines]
    for event in events:
        assert len(event) == 3 and isinstance(event[0], float | int)
        assert event[1] in ("o", "m", "r") and isinstance(event[2], str)
    times = [event[0] for event in events]
    assert times == sorted(times), "times never go back"
    return meta, events


def parsed_page(text: str) -> dict:
    """The page as a browser's HTML parser reads it (html5lib implements the WHATWG one, its
    script states included): its title, its scripts, the recording, the marker buttons."""
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    document = parser.parse(text)
    scripts = document.findall(".//script")
    data = [script.text for script in scripts if script.get("id") == "recording"]
    return {
        "title": document.find(".//title").text,
        "heading": document.find(".//h1").text,
        "scripts": scripts,
        "recording": json.loads(data[0]) if data else None,
        "buttons": [b.text for b in document.findall(".//ol[@id='markers']/li/button")],
        "captions": [
            (float(li.get("data-start")), float(li.get("data-end")), "".join(li.itertext()))
            for li in document.findall(".//ol[@id='captions']/li")
        ],
        "last": scripts[-1].text if scripts else "",
    }


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long soak first: spread over workers, the rest then runs beside it."""
    items.sort(key=lambda item: item.get_closest_marker("soak") is None)
