"""The safety net against a real dev server: a verified scene leaves its take; broken, the
same scene fails live and its take is shown in its place, labelled; a changed scene refuses
its take; --no-safety-net shows none."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pyte
import pytest

from director import TALK
from director.formats import FORMATS
from director.recording import Cast
from director.scenes import Scene, Show, load_show
from director.take_files import FORMAT
from director.takes import TAKE_SIZE, Takes
from director.videos import chapters
from tests.conftest import DEMO, command_line, descendants, director, ends, plain, read_cast, shown

SCENE = ["--scene", "with-temporal"]
FIFO = "not a regular file (a device, a FIFO or a socket)"


def demo(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """A hands-free round of the talk copied into tmp_path, stdout piped."""
    return subprocess.run(
        [sys.executable, DEMO, "--talk", str(tmp_path / "talk"), "--state-dir",
         str(tmp_path / "state"), "--auto", "--once", "--speed", "10", *SCENE, *args],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=180,
        env={**os.environ, "COLUMNS": "250"},  # the summary's cells unwrapped
    )  # fmt: skip


def test_a_verified_scene_is_shown_from_its_take_when_it_fails_live(tmp_path: Path) -> None:
    talk = tmp_path / "talk"
    shutil.copytree(TALK / "scenes", talk / "scenes")
    shutil.copytree(
        TALK / "counter", talk / "counter", ignore=shutil.ignore_patterns("__pycache__")
    )
    takes = tmp_path / "state" / "takes"

    verified = demo(tmp_path)
    assert verified.returncode == 0, verified.stdout[-2000:]
    _, events = read_cast(takes / "with-temporal.cast")
    record = json.loads((takes / "with-temporal.json").read_text())
    assert next(e[2] for e in events if e[1] == "m") == "Scene: With Temporal"
    assert "$ python start-execution.py" in "".join(e[2] for e in events if e[1] == "o")
    assert record["address"].startswith("localhost:") and record["speed"] == 10
    assert all(claim["held"] for claim in record["claims"]) and len(record["claims"]) == 4
    state = ["--state-dir", str(tmp_path / "state")]
    listed = subprocess.run(
        [sys.executable, DEMO, "--talk", str(talk), *state, "--list"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "200"},
    ).stdout  # fmt: skip
    assert re.search(r"with-temporal .* verified\s+\d{4}-\d\d-\d\d", listed, re.DOTALL), listed

    # The durable program breaks (its plumbing, which the audience never sees).
    plumbing = talk / "counter" / "durable-execution" / "plumbing.py"
    plumbing.write_text(plumbing.read_text() + "\n\ndef run(main):\n    raise SystemExit(3)\n")
    failed = demo(tmp_path, "--scene", "summary")
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    said = " ".join(failed.stdout.split())
    assert "shown from its verified take of" in said, "the summary says so"
    assert re.search(
        r"Replaying the verified recording of this scene from \d{4}-\d\d-\d\d \d\d:\d\d", said
    )
    assert "Round 1 FAILED: With Temporal, step" in said
    assert json.loads((takes / "with-temporal.json").read_text()) == record, "not replaced"

    quiet = demo(tmp_path, "--no-safety-net")
    assert quiet.returncode == 1 and "verified recording" not in quiet.stdout

    # The scene changes: its take is refused, and says why.
    scene = talk / "scenes" / "with-temporal.toml"
    scene.write_text(scene.read_text().replace("Look how little changes", "See how little changes"))
    refused = demo(tmp_path)
    assert refused.returncode == 1 and "verified recording" not in refused.stdout
    assert "Its take is not shown: the scene changed since it was recorded" in " ".join(
        refused.stdout.split()
    )


def test_a_takes_folder_that_cannot_be_written_is_one_warning(tmp_path: Path) -> None:
    talk = tmp_path / "talk"
    shutil.copytree(TALK / "scenes", talk / "scenes")
    shutil.copytree(
        TALK / "counter", talk / "counter", ignore=shutil.ignore_patterns("__pycache__")
    )
    (tmp_path / "file").write_text("")
    done = demo(tmp_path, "--takes", str(tmp_path / "file" / "takes"))
    assert done.returncode == 0, done.stdout[-2000:]
    said = " ".join(done.stdout.split())
    assert said.count("No take is kept:") == 1 and "cannot be written" in said


@pytest.fixture(scope="module")
def verified(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the talk whose with-temporal scene has a verified take (made once)."""
    folder = tmp_path_factory.mktemp("verified")
    shutil.copytree(TALK / "scenes", folder / "talk" / "scenes")
    shutil.copytree(TALK / "counter", folder / "talk" / "counter",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    done = demo(folder)
    assert done.returncode == 0, done.stdout[-2000:]
    return folder


def copy(verified: Path, tmp_path: Path) -> Path:
    shutil.copytree(verified / "talk", tmp_path / "talk")
    shutil.copytree(verified / "state" / "takes", tmp_path / "state" / "takes")
    return tmp_path


def test_offline_plays_the_talk_from_its_takes_with_nothing_running(
    verified: Path, tmp_path: Path
) -> None:
    copy(verified, tmp_path)
    child = director(tmp_path, "--talk", str(tmp_path / "talk"), "--auto", "--once",
                     "--speed", "10", "--offline", *SCENE)  # fmt: skip
    started: set[str] = set()
    while child.isalive():
        started |= {command_line(p) for p in descendants(child)}
        with contextlib.suppress(pexpect.TIMEOUT, pexpect.EOF):
            child.expect(pexpect.EOF, timeout=0.05)
    child.close()
    said = plain(child.logfile_read.getvalue())
    assert child.exitstatus == 0, said[-2000:]
    assert not started, f"offline, yet it started {started}"
    assert "Replaying the verified recording of this scene from" in " ".join(said.split())
    assert "every scene shown from its verified recording (not live)" in " ".join(said.split())
    # A truncated take is refused, with the reason.
    cast = tmp_path / "state" / "takes" / "with-temporal.cast"
    cast.write_bytes(cast.read_bytes()[:-100])
    cut = demo(tmp_path, "--offline")
    assert cut.returncode == 1
    assert "Its take is not shown: with-temporal.cast is truncated or was changed" in " ".join(
        cut.stdout.split()
    )
    # A scene without a take is named, and the round fails.
    missing = demo(tmp_path, "--offline", "--scene", "before-temporal")
    assert missing.returncode == 1
    assert "Before Temporal: no verified take to show" in " ".join(missing.stdout.split())


@pytest.mark.parametrize("answer", ["\r", "x"], ids=["accepts", "declines"])
def test_an_existing_service_away_offers_the_takes_to_the_presenter(
    verified: Path, tmp_path: Path, answer: str
) -> None:
    copy(verified, tmp_path)
    child = director(tmp_path, "--talk", str(tmp_path / "talk"), "--speed", "10",
                     "--address", "127.0.0.1:1", *SCENE)  # fmt: skip
    child.expect(shown("cannot reach Temporal at 127.0.0.1:1"))
    child.expect(shown("Press Enter to give the talk from its verified recordings"))
    child.send(answer)
    said = ends(child)
    if answer == "\r":
        assert child.exitstatus == 0, said[-2000:]
        assert "Replaying the verified recording of this scene from" in " ".join(said.split())
    else:
        assert child.exitstatus == 3 and "Replaying" not in said


def test_hands_free_plays_the_takes_while_an_existing_service_is_away(
    verified: Path, tmp_path: Path
) -> None:
    copy(verified, tmp_path)
    done = demo(tmp_path, "--address", "127.0.0.1:1")
    said = " ".join(done.stdout.split())
    assert done.returncode == 0, said[-2000:]
    assert "cannot reach Temporal at 127.0.0.1:1" in said and "verified takes meanwhile" in said
    assert "every scene shown from its verified recording (not live)" in said


def hand_edit(takes: Takes, show: Show, scene: Scene, spoil: str) -> None:
    """A take of `scene` saved, then edited by hand as `spoil` says (the record's cast_bytes
    and cast_sha256 made to match, as a hand-editor would); a FIFO in place of a file."""
    cast = Cast(None, (100, 30), show.title)
    cast.marker(f"Scene: {scene.title}")
    cast.write(f"{scene.title}: the take\n")
    takes.save(show, scene, cast.text(), (100, 30), "localhost:7233", [])
    cast_path, record_path = takes.paths(scene)
    if spoil.startswith("fifo "):
        path = {"json": record_path, "cast": cast_path}[spoil.removeprefix("fifo ")]
        path.unlink()
        os.mkfifo(path)  # nothing ever writes to it: read, it would block for good
        return
    record = json.loads(record_path.read_text())
    if spoil.startswith("event "):
        cast_path.write_text(cast.text() + spoil.removeprefix("event ") + "\n")
    elif spoil.startswith("record "):
        record.update(json.loads(spoil.removeprefix("record ")))
    data = cast_path.read_bytes()
    record.update(cast_bytes=len(data), cast_sha256=hashlib.sha256(data).hexdigest())
    record_path.write_text(json.dumps(record))


# A scene of the talk each: how its take is spoilt, and the reason it is refused.
SPOILT = {
    "before-temporal": ("fifo json", f"its record cannot be read: {FIFO}"),
    "with-temporal": ("fifo cast", f"its cast cannot be read: {FIFO}"),
    "worker-crash": (
        'record {"speed": 0}',
        "worker-crash.json is not a take's record: field 'speed' must be",
    ),
    "server-crash": (
        'event [1, "r", "100000x100000"]',
        "server-crash.cast, line 4: its data must be COLSxROWS, at most 500x200",
    ),
    "event-history": (
        'event [1e12, "o", "x"]',
        "event-history.cast, line 4: its time must be a number from",
    ),
}


def test_hand_edited_takes_are_refused_at_once_in_the_list_and_in_the_show(
    tmp_path: Path,
) -> None:
    talk = tmp_path / "talk"
    shutil.copytree(TALK / "scenes", talk / "scenes")
    shutil.copytree(
        TALK / "counter", talk / "counter", ignore=shutil.ignore_patterns("__pycache__")
    )
    show = load_show(talk / "scenes", None, talk)
    takes = Takes(tmp_path / "state" / "takes")
    for scene in show.scenes:
        if scene.name in SPOILT:
            hand_edit(takes, show, scene, SPOILT[scene.name][0])
        else:  # the last scene's take is whole: shown after every refusal
            hand_edit(takes, show, scene, "none")
    state = ["--talk", str(talk), "--state-dir", str(tmp_path / "state")]
    env = {**os.environ, "COLUMNS": "400"}  # the table's cells unwrapped

    started = time.monotonic()
    listed = subprocess.run([sys.executable, DEMO, *state, "--list"], capture_output=True,
                            text=True, stdin=subprocess.DEVNULL, timeout=30, env=env)  # fmt: skip
    listing = time.monotonic() - started
    assert listed.returncode == 0 and not listed.stderr, listed.stderr
    rows = {line.split()[1]: line for line in listed.stdout.splitlines() if "│" in line[:3]}
    for name, (_, why) in SPOILT.items():
        row = " ".join(rows[name].split())
        assert "│ unusable: " in row and why in row, row
    assert re.search(r"verified\s+\d{4}-\d\d-\d\d", rows["summary"]), rows["summary"]

    started = time.monotonic()
    shown_ = subprocess.run(
        [sys.executable, DEMO, *state, "--auto", "--once", "--speed", "20", "--offline"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60, env=env,
    )  # fmt: skip
    showing = time.monotonic() - started
    said = " ".join(shown_.stdout.split())
    assert "Traceback" not in shown_.stdout + shown_.stderr, shown_.stderr[-2000:]
    for name, (_, why) in SPOILT.items():
        assert f"Its take is not shown: {why}" in said, said
        title = next(scene.title for scene in show.scenes if scene.name == name)
        assert f"{title}: no verified take to show" in said
    assert "Replaying the verified recording of this scene from" in said, "the show goes on"
    assert shown_.returncode == 1, "as it would without those takes"
    # Each refusal is at once: the whole listing, and the whole show of one short take,
    # take a few seconds (a take that hung would never end).
    assert listing < 15 and showing < 30, (listing, showing)


SEPARATORS = r"\n \r \r\n \u000b \f \u001c \u001d \u001e \u0085 \u2028 \u2029"
"""Every line boundary str.splitlines() knows, as TOML escapes."""


def test_a_line_separator_in_any_title_spoils_no_recording_and_no_take(tmp_path: Path) -> None:
    talk = tmp_path / "talk"
    made = subprocess.run([sys.executable, DEMO, "init", str(talk)], capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert made.returncode == 0, made.stderr
    for file, old in [
        ("playlist.toml", '"Durable execution, live"'),  # the talk's title
        ("before-temporal.toml", '"Before Temporal"'),  # the scene's
        ("before-temporal.toml", '"A program that counts"'),  # a narration's
        ("before-temporal.toml", '"It started over"'),
    ]:
        path = talk / "scenes" / file
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, f'"{old[1:-1]} {SEPARATORS} end"'))
    scene = talk / "scenes" / "before-temporal.toml"  # a narration's body, which is no title
    body = "Here is a very small program"
    scene.write_text(scene.read_text().replace(body, f"{body} {SEPARATORS}"))
    out = tmp_path / "out"
    out.mkdir()
    records = [arg for ending in FORMATS for arg in ("--record", str(out / f"x{ending}"))]
    one = ["--talk", str(talk), "--auto", "--once", "--speed", "20", "--scene", "before-temporal"]

    def demo(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, DEMO, *one, *args], capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=300,
                              env={**os.environ, "COLUMNS": "250"})  # fmt: skip

    recorded = demo(*records)
    assert recorded.returncode == 0, recorded.stdout[-2000:] + recorded.stderr
    assert "Traceback" not in recorded.stdout + recorded.stderr
    for ending in FORMATS:
        assert (out / f"x{ending}").stat().st_size > 0, ending
    text = (out / "x.cast").read_text(encoding="utf-8")
    assert text.splitlines() == text.split("\n")[:-1], "no reader can cut a line in two"
    meta, events = read_cast(out / "x.cast")
    assert meta["title"] == "Durable execution, live end", "a title is one line"
    assert any(e[1] == "o" and "\u2029" in e[2] for e in events), "a body keeps its separators"
    assert chapters(out / "x.cast")[0][0][2].startswith("Scene: Before Temporal"), "whole"

    listed = subprocess.run([sys.executable, DEMO, "--talk", str(talk), "--list"],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "COLUMNS": "250"}).stdout  # fmt: skip
    assert re.search(r"before-temporal .* verified\s+\d{4}-\d\d-\d\d", listed, re.DOTALL), listed
    offline = demo("--offline")
    assert offline.returncode == 0, offline.stdout[-2000:]
    assert "Replaying the verified recording of this scene from" in " ".join(offline.stdout.split())


def frames(events: list[list]) -> set[tuple[str, ...]]:
    """Every screen a take's cast shows (after each of its outputs), as pyte draws it."""
    screen = pyte.Screen(*TAKE_SIZE)
    stream, shown_ = pyte.Stream(screen), set()
    for _, kind, data in events:
        if kind == "o":
            stream.feed(data)
            shown_.add(tuple(screen.display))
    return shown_


def test_a_piped_runs_take_is_the_stage_and_plays_whole_and_centred_on_a_larger_one(
    tmp_path: Path,
) -> None:
    state = ["--state-dir", str(tmp_path / "state")]
    one = ["--auto", "--once", "--speed", "10", "--scene", "before-temporal"]
    piped = subprocess.run(
        [sys.executable, DEMO, *state, *one], capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=180, env={**os.environ, "COLUMNS": "250"},
    )  # fmt: skip
    assert piped.returncode == 0, piped.stdout[-2000:]
    widest = max(len(line) for line in piped.stdout.splitlines())
    assert 80 < widest <= 250, "the show scrolled by, wider than its take"
    takes = tmp_path / "state" / "takes"
    meta, events = read_cast(takes / "before-temporal.cast")
    record = json.loads((takes / "before-temporal.json").read_text())
    assert (meta["width"], meta["height"]) == TAKE_SIZE == (80, 24) and record["size"] == [80, 24]
    assert record["format"] == FORMAT and not [e for e in events if e[1] == "r"]
    recorded = frames(events)
    headed = [f for f in recorded if f[0].startswith(" Durable execution, live")]
    assert headed and all(
        f[0].rstrip().endswith("scene 1 of 1: Before Temporal") for f in headed
    ), "the stage's header row"
    assert any("$ python start-execution.py" in row for f in headed for row in f), "its program"

    child = director(tmp_path, "--layout", "stage", *one, "--offline", rows=40, cols=120)
    screen = pyte.Screen(120, 40)
    stream, fed, seen = pyte.Stream(screen), 0, 0
    left, top = (120 - 80) // 2, 1 + (40 - 2 - 24) // 2
    while child.isalive():
        with contextlib.suppress(pexpect.TIMEOUT, pexpect.EOF):
            child.expect(pexpect.EOF, timeout=0.05)
        output = child.logfile_read.getvalue()
        whole = output.rfind("\x1b[H", fed)  # each frame begins at home: those before are whole
        if whole <= fed:
            continue
        stream.feed(output[fed:whole])
        fed = whole
        rows = screen.display
        if "not live" not in rows[0]:
            continue
        assert "\n".join(rows).count("not live") == 1, "one banner:\n" + "\n".join(rows)
        assert rows[0].strip().startswith("Recorded ") and rows[0].strip().endswith(", not live")
        block = tuple(row[left : left + 80] for row in rows[top : top + 24])
        if block in recorded and block[0].startswith(" Durable execution, live"):
            seen += 1  # a frame of the take whole, centred, nothing around it
            around = [row[:left] + row[left + 80 :] for row in rows[1 : top + 24]]
            assert not "".join(around + rows[1:top] + rows[top + 24 : -1]).strip()
    child.close()
    said = plain(child.logfile_read.getvalue())
    assert child.exitstatus == 0, said[-2000:]
    assert seen, "a frame of the take was shown whole and centred under the banner"
