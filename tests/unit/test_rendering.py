"""Rendering: every output made from the cast, a page that does not play never kept, and what
a renderer's progress says."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from rich.progress import Progress

from director.errors import DemoError
from director.formats import Look
from director.page import recording
from director.rendering import Job, render
from tests.unit.conftest import CAST


def test_a_page_that_does_not_play_leaves_an_earlier_one_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cast = tmp_path / "talk.cast"
    cast.write_text(CAST, encoding="utf-8")
    output = tmp_path / "talk.html"
    output.write_text("an earlier page")
    monkeypatch.setattr("director.page.page", lambda *_: "<!doctype html><p>cut sh")
    with pytest.raises(DemoError, match=r"talk\.html: the renderer wrote nothing that plays"):
        render(cast, [output], Look(), Console(file=io.StringIO()))
    assert output.read_text() == "an earlier page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talk.cast", "talk.html"]
    monkeypatch.undo()
    (written,) = render(cast, [output], Look(), Console(file=io.StringIO()))
    assert (written.path, written.seconds) == (output, 72.5) and recording(output.read_text())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talk.cast", "talk.html"]


@pytest.mark.parametrize(
    ("said", "done"),
    [
        (b"\r 37 / 73 [=====>------] 50.68 % 45.64/s 1s", (37, 73)),  # agg
        (b"\rshowreel: rendering mp4 1238x752 42% (51/122)", (51, 122)),  # showreel
        (b"ffmpeg failed (1): Invalid argument", None),
    ],
)
def test_a_renderers_progress_moves_its_bar_and_anything_else_is_kept(
    tmp_path: Path, said: bytes, done: tuple[int, int] | None
) -> None:
    job = Job(tmp_path / "a.cast", tmp_path / "a.gif", Look(), tmp_path)
    job.progress = Progress(console=Console(file=None, width=80))
    job.task = job.progress.add_task("a.gif", total=None)
    job._heard(said)
    task = job.progress.tasks[0]
    if done:
        assert (task.completed, task.total) == done and not job._said
    else:
        assert task.completed == 0 and list(job._said) == [said.decode()]


def test_a_page_is_kept_once_written_so_a_ctrl_c_during_the_videos_does_not_lose_it(
    tmp_path: Path,
) -> None:
    cast = tmp_path / "talk.cast"
    cast.write_text(CAST, encoding="utf-8")
    output = tmp_path / "talk.html"
    job = Job(cast, output, Look(), tmp_path)
    job.start(Progress(console=Console(file=io.StringIO())))
    assert job.rendered is not None and recording(output.read_text()), "at its name at once"
    job.stop()  # what a Ctrl-C does to every job while another is still rendering
    assert recording(output.read_text()), "a page already kept stays"
    job.wait()
    assert job.rendered.path == output and job.failure is None
