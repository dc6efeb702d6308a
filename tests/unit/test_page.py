"""The offline page: the player, the recording, its captions and the marker buttons in one
file that fetches nothing and that no title, marker, caption or output can break."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from director.captions import Cue
from director.errors import DemoError
from director.formats import Look
from director.page import length, page, recording, script_json
from tests.conftest import parsed_page
from tests.unit.conftest import CAST


def test_the_page_holds_the_player_and_the_recording_and_fetches_nothing(tmp_path: Path) -> None:
    cast = tmp_path / "talk.cast"
    cast.write_text(CAST, encoding="utf-8")
    text = page(cast, Look(theme="nord", idle_limit=2))
    assert "AsciinemaPlayer.create" in text and ".ap-player" in text  # script and styles
    assert not re.search(
        r"""(src|href)\s*=\s*["']?(https?:)?//|@import|url\(\s*["']?https?:""", text
    )
    assert "<script src" not in text and "<link" not in text
    # The recording is inside, whole, and cannot close the script element it sits in.
    parsed = parsed_page(text)
    assert len(parsed["scripts"]) == 3
    assert parsed["recording"]["cast"] == CAST and recording(text)["cast"] == CAST
    options = parsed["recording"]["options"]
    assert options["theme"] == "nord" and options["idleTimeLimit"] == 2
    assert options["markers"][0] == [0.01, "Scene: Before Temporal"]
    # Every marker is a button: scenes, and claims under them.
    assert '<li class="scene"><button data-marker="2">1:05 Scene: With Temporal' in text
    assert '<li class="claim"><button data-marker="3">1:11 ✘ FAILED: no number is lost' in text
    assert "<title>Talk &lt;/script&gt;</title>" in text
    output = tmp_path / "talk.html"
    output.write_text(text, encoding="utf-8")
    assert length(output) == 72.5


HOSTILE = ["<!--<script>", "</script>", "<script>", "<!-- -->", "</SCRIPT >", "&amp;", "]]>"]
"""What ends a script element, or hides its end from the HTML parser."""


@pytest.mark.parametrize("hostile", HOSTILE)
def test_no_title_marker_or_output_breaks_the_page(tmp_path: Path, hostile: str) -> None:
    events = [
        {"version": 2, "width": 80, "height": 24, "timestamp": 0, "title": f"Talk {hostile}"},
        [0.01, "m", f"Scene: One {hostile}"],
        [0.5, "o", f"{hostile} said a program\r\n"],
        [1.0, "m", f"✔ output matches '{hostile}'"],
        [12.0, "m", f"Scene: Two {hostile}"],
        [13.0, "o", "bye\r\n"],
    ]
    text = "\n".join(json.dumps(event, ensure_ascii=False) for event in events) + "\n"
    cast = tmp_path / "talk.cast"
    cast.write_text(text, encoding="utf-8")
    parsed = parsed_page(page(cast, Look()))
    assert parsed["title"] == parsed["heading"] == f"Talk {hostile}"
    assert len(parsed["scripts"]) == 3 and parsed["recording"]["cast"] == text
    assert parsed["buttons"] == [
        f"0:00 Scene: One {hostile}", f"0:01 ✔ output matches '{hostile}'",
        f"0:12 Scene: Two {hostile}",
    ]  # fmt: skip
    assert parsed["last"].strip().startswith("const recording = JSON.parse(")
    assert parsed["last"].strip().endswith("}")


def test_json_in_a_script_has_nothing_html_can_read() -> None:
    value = {"cast": "<!--<script></script>&\u2028\u2029 ✔", "markers": [[1, "<b>"]]}
    written = script_json(value)
    assert not set(written) & set("<>&\u2028\u2029")
    assert json.loads(written) == value


@pytest.mark.parametrize("markup", ["<!--", "<script>", "</script>", "</SCRIPT"])
def test_a_player_whose_script_html_would_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, markup: str
) -> None:
    cast = tmp_path / "talk.cast"
    cast.write_text(CAST, encoding="utf-8")
    player = tmp_path / "player"
    (player / "assets").mkdir(parents=True)
    (player / "assets" / "asciinema-player.css").write_text(".ap-player {}")
    (player / "assets" / "asciinema-player.min.js").write_text(f'var a="{markup}";')
    monkeypatch.setattr("director.page.resources.files", lambda _: player)
    with pytest.raises(DemoError, match=rf"script holds '{re.escape(markup[:7])}"):
        page(cast, Look())


def test_a_page_without_its_recording_does_not_play(tmp_path: Path) -> None:
    output = tmp_path / "talk.html"
    output.write_text("<!doctype html><script>var a = 1;</script>")
    with pytest.raises(RuntimeError):
        length(output)


def test_the_captions_are_listed_beside_the_player_each_as_written(tmp_path: Path) -> None:
    cast = tmp_path / "talk.cast"
    cast.write_text(CAST, encoding="utf-8")
    cues = [
        Cue(1.5, 64.0, f"A program that counts\n{HOSTILE[0]}{HOSTILE[1]}", "main"),
        Cue(65.25, 66.75, "^C", "key"),
    ]
    text = page(cast, Look(), cues)
    parsed = parsed_page(text)
    assert parsed["captions"] == [
        (1.5, 64.0, f"0:01 A program that counts {HOSTILE[0]}{HOSTILE[1]}"),
        (65.25, 66.75, "1:05 ^C"),
    ], "a row a cue, its lines on one"
    assert len(parsed["scripts"]) == 3 and parsed["recording"]["cast"] == CAST
    assert '<div id="player"></div>\n<ol id="captions"' in text, "beside the player"
    assert "player.seek(cue.start)" in parsed["last"], "a click plays from there"
    assert "<strong>A program that counts</strong> &lt;!--" in text, "a panel's title in bold"
    assert parsed_page(page(cast, Look()))["captions"] == []
