"""The offline page: asciinema-player's script and styles, the recording, its captions beside
the player (following the playback, a click seeks) and a button for each of its markers in one
HTML file that fetches nothing; and whether a page holds its recording."""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Sequence
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from director.errors import DemoError, Status
from director.recording import SCENE
from director.results import clock

if TYPE_CHECKING:
    from director.captions import Cue
    from director.formats import Command, Draft, Look

PLAYER = "mkdocs_asciinema_player"
"""The package that ships asciinema-player's script and styles (Apache-2.0): the one on PyPI
with a player of version 3 (markers, AsciinemaPlayer.create) that needs no Sphinx."""


def write(draft: Draft) -> list[Command]:
    """The page is written here, not by a renderer of its own."""
    draft.part.write_text(page(draft.cast, draft.look, draft.cues), encoding="utf-8")
    return []


def length(path: Path) -> float:
    """How long a page plays its recording, in seconds; RuntimeError if it holds none."""
    cast = recording(path.read_text(encoding="utf-8"))["cast"]
    last = json.loads(cast.rstrip("\n").rpartition("\n")[2])
    return float(last[0]) if isinstance(last, list) else 0.0


def recording(text: str) -> dict:
    """The recording and the player's options a page holds, read as a browser reads them."""
    found: list[str] = []

    class Reader(HTMLParser):
        inside = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.inside = tag == "script" and ("id", "recording") in attrs

        def handle_endtag(self, tag: str) -> None:
            self.inside = False

        def handle_data(self, data: str) -> None:
            if self.inside:
                found.append(data)

    Reader().feed(text)
    if not found:
        raise RuntimeError("the page holds no recording")
    return json.loads("".join(found))


def page(cast: Path, look: Look, cues: Sequence[Cue] = ()) -> str:
    """A page that plays `cast` offline: asciinema-player's script and styles, the recording,
    its captions (`cues`) and its markers all inside it, nothing fetched from anywhere."""
    text = cast.read_text(encoding="utf-8")
    first, *lines = text.removesuffix("\n").split("\n")  # by "\n" alone, as it is written
    header = json.loads(first)
    markers = [(e[0], e[2]) for e in map(json.loads, lines) if e[1] == "m"]
    css, js = player_assets()
    options = {
        "theme": look.theme,
        "idleTimeLimit": look.idle,
        "fit": "width",
        "poster": "npt:0:3",
        "markers": markers,
    }
    buttons = "\n".join(
        f'<li class="{"scene" if label.startswith(SCENE) else "claim"}">'
        f'<button data-marker="{index}">{clock(at)} {html.escape(label)}</button></li>'
        for index, (at, label) in enumerate(markers)
    )
    captions = "\n".join(
        f'<li class="{cue.lane}" data-start="{cue.start}" data-end="{cue.end}"><button>'
        f"<time>{clock(cue.start)}</time> {_caption(cue)}</button></li>"
        for cue in cues
    )
    title = html.escape(header.get("title") or "counter-demo")
    return _PAGE.format(
        title=title,
        css=css,
        js=js,
        recording=script_json({"cast": text, "options": options}),
        buttons=buttons,
        captions=captions,
        took=time.strftime("%Y-%m-%d %H:%M", time.localtime(header.get("timestamp", 0))),
    )


def _caption(cue: Cue) -> str:
    """A caption as the list shows it: a panel's title (its first line) in bold, then its text."""
    first, _, rest = html.escape(cue.text).partition("\n")
    said = " ".join(rest.split())
    if cue.lane == "main" and said:
        first = f"<strong>{first}</strong>"
    return f"{first} {said}".rstrip()


def script_json(value: object) -> str:
    """`value` as JSON that HTML cannot read into when inside a <script> element: no <, >
    or & as themselves (no comment, no tag), nor U+2028 and U+2029."""
    text = json.dumps(value)
    for char in "<>&\u2028\u2029":  # str.replace: a page's megabytes in milliseconds
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def player_assets() -> tuple[str, str]:
    """asciinema-player's styles and script, each safe to put in its element as it is."""
    assets = resources.files(PLAYER) / "assets"
    return (
        _inline((assets / "asciinema-player.css").read_text(encoding="utf-8"), "style"),
        _inline((assets / "asciinema-player.min.js").read_text(encoding="utf-8"), "script"),
    )


def _inline(text: str, element: str) -> str:
    """The player's own script or styles as the text of a <script> or <style> element;
    DemoError if HTML would read markup in it (no escaping is safe in code)."""
    found = re.search(_MARKUP[element], text, re.IGNORECASE)
    if found:
        raise DemoError(
            f"{PLAYER}'s {element} holds {found[0]!r}, which would break the page", Status.FAILED
        )
    return text


_MARKUP = {"script": r"<!--|</?script", "style": r"</style"}
"""What ends (or, in a script, hides the end of) an element whose text is not HTML."""


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{css}
body {{ background: #121314; color: #ccc; font-family: sans-serif; margin: 1.5em auto;
       max-width: 1400px; padding: 0 1em; }}
h1 {{ font-size: 1.3em; }}
ol {{ list-style: none; padding: 0; }}
#markers {{ columns: 2; }}
li.claim {{ padding-left: 1.5em; font-size: 0.9em; }}
#stage {{ display: flex; gap: 1em; align-items: flex-start; }}
#player {{ flex: 1 1 auto; min-width: 0; }}
#captions {{ flex: 0 0 20em; margin: 0; max-height: 80vh; overflow-y: auto; position: relative;
             font-size: 0.9em; }}
#captions:not(:has(li)) {{ display: none; }}
#captions li {{ border-left: 3px solid transparent; padding: 0.25em 0.5em;
                overflow-wrap: anywhere; }}
#captions li.line {{ color: #aaa; }}
#captions li.key button {{ font-family: monospace; color: #e6db74; }}
#captions li.now {{ background: #2a2c2e; border-left-color: #66d9ef; color: #fff; }}
#captions time {{ color: #777; font-size: 0.85em; }}
@media (max-width: 60em) {{ #stage {{ flex-direction: column; }}
                            #captions {{ flex-basis: auto; max-height: 30vh; width: 100%; }} }}
button {{ background: none; border: none; color: inherit; cursor: pointer; text-align: left;
          font: inherit; padding: 0.1em 0; }}
button:hover {{ text-decoration: underline; }}
</style>
</head>
<body>
<h1>{title}</h1>
<div id="stage">
<div id="player"></div>
<ol id="captions" aria-label="Captions">
{captions}
</ol>
</div>
<p>Recorded {took} by counter-demo. Jump to a scene or a claim (or press [ and ] in the
player):</p>
<ol id="markers">
{buttons}
</ol>
<script id="recording" type="application/json">{recording}</script>
<script>
{js}
</script>
<script>
const recording = JSON.parse(document.getElementById("recording").textContent);
const player = AsciinemaPlayer.create({{ data: recording.cast }},
                                      document.getElementById("player"), recording.options);
// The captions follow the playback: those showing now highlighted, the newest in view.
const list = document.getElementById("captions");
const cues = [...list.querySelectorAll("li")].map((row) => ({{
  row, start: Number(row.dataset.start), end: Number(row.dataset.end) }}));
for (const cue of cues) {{
  cue.row.querySelector("button").addEventListener("click", () => {{
    player.seek(cue.start).then(() => player.play());
  }});
}}
const stage = document.getElementById("player");
new ResizeObserver(() => {{ list.style.maxHeight = `${{stage.offsetHeight}}px`; }}).observe(stage);
let newest = null;
setInterval(() => {{
  const now = player.getCurrentTime();
  if (typeof now !== "number") return;
  let last = null;
  for (const cue of cues) {{
    const on = cue.start <= now && now < cue.end;
    cue.row.classList.toggle("now", on);
    if (on) last = cue.row;
  }}
  if (last && last !== newest) {{
    list.scrollTop = last.offsetTop - (list.clientHeight - last.offsetHeight) / 2;
  }}
  newest = last;
}}, 250);
for (const button of document.querySelectorAll("#markers button")) {{
  button.addEventListener("click", () => {{
    player.seek({{ marker: Number(button.dataset.marker) }}).then(() => player.play());
  }});
}}
</script>
</body>
</html>
"""
