"""Scene loading and validation: every mistake is named by file, line, step and field."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import pytest

from director import TALK, scenes
from director.errors import DemoError
from director.plays import PLAYS
from director.scenes import load_scene, load_show, reference
from director.steps import STEP_KINDS, StepKind
from tests.unit.conftest import MALFORMED, PLAYLIST, RUN, folder, write_bad


def error_of(tmp_path: Path, scene: str, playlist: str = PLAYLIST) -> str:
    with pytest.raises(DemoError) as caught:
        load_show(folder(tmp_path, scene, playlist))
    assert caught.value.status == 2
    message = str(caught.value)
    assert "\n" not in message, "one line"
    return message


def test_the_real_talk_loads() -> None:
    show = load_show(TALK / "scenes")
    names = [scene.name for scene in show.scenes]
    assert names[:2] == ["before-temporal", "with-temporal"]
    assert names[-1] == "summary"
    assert [s.needs_temporal for s in show.scenes[:2]] == [False, True]
    assert [s.name for s in show.scenes if s.needs_embedded_server] == ["server-crash"]
    assert (show.limit, show.interval) == (10, 1.0)


def test_only_the_chosen_scenes(tmp_path: Path) -> None:
    show = load_show(TALK / "scenes", ["summary"])
    assert [scene.name for scene in show.scenes] == ["summary"]


def test_defaults_are_filled_in(tmp_path: Path) -> None:
    scene = load_scene(folder(tmp_path, 'title = "t"\n[[steps]]\nkind = "pause"\n') / "one.toml")
    assert scene.steps[0].seconds == 2


def test_toml_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    message = error_of(tmp_path, 'title = "t"\n\n[[steps]]\nkind = pause\n')
    assert message.startswith(f"{tmp_path / 'one.toml'}:4:8: ")


def test_unknown_kind_names_step_line_and_a_guess(tmp_path: Path) -> None:
    scene = 'title = "t"\n[[steps]]\nkind = "pause"\n\n[[steps]]\nkind = "narate"\n'
    message = error_of(tmp_path, scene)
    assert "one.toml:5: step 2: unknown kind 'narate' (did you mean 'narrate'?)" in message


def test_a_line_separator_in_a_string_does_not_shift_the_lines_named(tmp_path: Path) -> None:
    # TOML ends lines with "\n" alone; these three it allows raw in a string.
    scene = 'title = "t\x85i\u2028t\u2029le"\n[[steps]]\nkind = "pause"\n\n[[steps]]\nkind = "x"\n'
    assert "one.toml:5: step 2: unknown kind 'x'" in error_of(tmp_path, scene)


def test_missing_field_names_step_kind_and_field(tmp_path: Path) -> None:
    message = error_of(tmp_path, 'title = "t"\n[[steps]]\nkind = "ask"\n')
    assert "one.toml:2: step 1 (ask): missing field 'question'" in message


def test_wrong_type_names_the_field_and_the_value(tmp_path: Path) -> None:
    scene = 'title = "t"\n[[steps]]\nkind = "pause"\nseconds = "five"\n'
    message = error_of(tmp_path, scene)
    assert "step 1 (pause): field 'seconds': expected a number, got 'five'" in message


def test_a_boolean_is_not_a_number(tmp_path: Path) -> None:
    message = error_of(tmp_path, 'title = "t"\n[[steps]]\nkind = "pause"\nseconds = true\n')
    assert "field 'seconds'" in message


def test_unknown_field_gets_a_guess(tmp_path: Path) -> None:
    message = error_of(tmp_path, 'title = "t"\n[[steps]]\nkind = "pause"\nsecond = 3\n')
    assert "unknown field 'second' (did you mean 'seconds'?)" in message


def test_waiting_before_anything_runs_is_an_error(tmp_path: Path) -> None:
    message = error_of(tmp_path, 'title = "t"\n[[steps]]\nkind = "wait_for"\nnumber = 5\n')
    assert "step 1 (wait_for): no program runs yet" in message


def test_wait_for_needs_exactly_one_condition(tmp_path: Path) -> None:
    scene = f'title = "t"\n{RUN}[[steps]]\nkind = "wait_for"\nnumber = 5\nexit = true\n'
    assert "step 2 (wait_for): give exactly one of" in error_of(tmp_path, scene)


def test_bad_regex_is_named(tmp_path: Path) -> None:
    scene = f'title = "t"\n{RUN}[[steps]]\nkind = "wait_for"\npattern = "("\n'
    assert "step 2 (wait_for): field 'pattern'" in error_of(tmp_path, scene)


def test_program_must_exist(tmp_path: Path) -> None:
    scene = 'title = "t"\n[[steps]]\nkind = "run"\nprogram = "counter/nope.py"\n'
    assert "step 1 (run): field 'program': no file counter/nope.py" in error_of(tmp_path, scene)


def test_code_lines_by_text_must_be_found(tmp_path: Path) -> None:
    file = "counter/normal-execution/businesslogic.py"
    scene = f'title = "t"\n[[steps]]\nkind = "show_code"\nfile = "{file}"\nhighlight = ["zzz"]\n'
    assert "field 'highlight': no line contains 'zzz'" in error_of(tmp_path, scene)


def test_code_lines_by_text_become_numbers(tmp_path: Path) -> None:
    file = "counter/normal-execution/businesslogic.py"
    scene = f'title = "t"\n[[steps]]\nkind = "show_code"\nfile = "{file}"\n'
    scene += 'lines = ["def count_to", 14]\nhighlight = ["print(number"]\n'
    step = load_scene(folder(tmp_path, scene) / "one.toml").steps[0]
    (first, last), highlight = step.line_numbers(step.text(TALK))
    text = (TALK / file).read_text().splitlines()
    assert "def count_to" in text[first - 1]
    assert "print(number" in text[min(highlight) - 1]
    assert last == 14


def test_unknown_claim_gets_a_guess(tmp_path: Path) -> None:
    scene = 'title = "t"\n[[steps]]\nkind = "expect"\nclaims = ["resume"]\n'
    assert "unknown claim 'resume' (did you mean 'resumes'?)" in error_of(tmp_path, scene)


def test_wrong_signal_names_the_choices(tmp_path: Path) -> None:
    scene = f'title = "t"\n{RUN}[[steps]]\nkind = "interrupt"\nsignal = "SIGSTOP"\n'
    assert "field 'signal': one of SIGINT, SIGTERM, SIGKILL" in error_of(tmp_path, scene)


def test_playlist_naming_a_missing_scene(tmp_path: Path) -> None:
    playlist = 'title = "x"\nscenes = ["one", "two"]\n'
    message = error_of(tmp_path, 'title = "t"\n[[steps]]\nkind = "pause"\n', playlist)
    assert message.endswith("two.toml: no such file")


def test_unknown_scene_asked_for(tmp_path: Path) -> None:
    with pytest.raises(DemoError, match=r"no scene 'sumary'.*did you mean 'summary'"):
        load_show(TALK / "scenes", ["sumary"])


def test_every_step_kind_is_documented() -> None:
    for kind, cls in STEP_KINDS.items():
        assert cls.__doc__, kind
        assert all(field.metadata["doc"] for field in fields(cls)), kind


def test_scene_reference_is_current_and_its_examples_are_valid(tmp_path: Path) -> None:
    readme = (TALK / "scenes" / "README.md").read_text()
    assert reference() in readme, "regenerate it: .venv/bin/python -m director.scenes"
    run = RUN.replace("normal-execution", "durable-execution") + "durable = true\n"
    for kind, cls in STEP_KINDS.items():
        assert f"### `{kind}`" in readme
        for shown in (cls.example, *cls.more_examples):
            example = f'title = "t"\n{run}\n[[steps]]\nkind = "{kind}"\n{shown}\n'
            step = load_scene(folder(tmp_path, example) / "one.toml").steps[1]
            assert isinstance(step, cls)


@pytest.mark.parametrize("step", ['kind = "interrupt"', 'kind = "server"\naction = "kill"'])
def test_when_saved_needs_a_durable_program(tmp_path: Path, step: str) -> None:
    scene = f'title = "t"\n{RUN}[[steps]]\n{step}\nwhen_saved = true\n'
    assert "step 2 (" in error_of(tmp_path, scene)
    assert "field 'when_saved': only a durable program" in error_of(tmp_path, scene)


@pytest.mark.parametrize(("what", "content", "said"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_files_are_one_line_errors(
    tmp_path: Path, what: str, content: str | bytes, said: str
) -> None:
    write_bad(tmp_path, what, content)
    with pytest.raises(DemoError) as caught:
        load_show(tmp_path)
    message = str(caught.value)
    assert caught.value.status == 2 and "\n" not in message
    assert said in message
    assert len(message) < 300, "one readable line, not a dump"


def test_the_talks_title_and_a_scenes_title_are_one_line(tmp_path: Path) -> None:
    hostile = r'"A\r[CHAPTER]\rTIMEBASE=1/1\u0000b\u0085c\u2028d"'
    scene = f'title = {hostile}\n[[steps]]\nkind = "pause"\n'
    show = load_show(folder(tmp_path, scene, f'title = {hostile}\nscenes = ["one"]\n'))
    assert show.title == show.scenes[0].title == "A [CHAPTER] TIMEBASE=1/1 b c d"


def test_a_number_the_counter_never_prints_is_a_scene_error(tmp_path: Path) -> None:
    wait = '[[steps]]\nkind = "wait_for"\nnumber = 5\n'
    playlist = PLAYLIST + "limit = 4\n"
    said = error_of(tmp_path, f'title = "t"\n{RUN}{wait}', playlist)
    assert said.endswith("step 2 (wait_for): field 'number': the counter counts to 4: it never "
                         "prints 5"), said  # fmt: skip
    error_of(tmp_path, f'title = "t"\n{RUN}limit = 3\n{wait}')  # the step's own limit too
    load_show(folder(tmp_path, f'title = "t"\n{RUN}limit = 5\n{wait}'))  # it does print 5
    command = '[[steps]]\nkind = "run"\ncommand = ["{python}", "-c", "print(5)"]\n'
    load_show(folder(tmp_path, f'title = "t"\n{command}{wait}', playlist))  # not a counter


def test_a_file_that_begins_with_a_byte_order_mark_reads_as_without(tmp_path: Path) -> None:
    show = load_show(folder(tmp_path, f'\ufefftitle = "t"\n{RUN}', f"\ufeff{PLAYLIST}"))
    assert show.title == "Test talk" and show.scenes[0].title == "t"


@dataclass(frozen=True, kw_only=True)
class Juggle(StepKind):
    """A kind with no play: nothing on stage would do it."""

    kind = "juggle"


def test_a_kind_without_a_play_is_refused_at_load(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(scenes, "STEP_KINDS", {**STEP_KINDS, "juggle": Juggle})
    assert Juggle not in PLAYS
    message = error_of(tmp_path, 'title = "t"\n[[steps]]\nkind = "juggle"\n')
    assert message.endswith(
        "one.toml:2: step 1 (juggle): the director cannot play this kind: it has no play in PLAYS"
    )


def test_the_talk_ends_on_its_table_and_the_playlists_closing_line() -> None:
    show = load_show(TALK / "scenes")
    steps = show.scenes[-1].steps
    assert steps[-1].kind == "summary", "the last panel is the table the narration announces"
    before = [step.body for step in steps if step.kind == "narrate"]
    assert before and all("make demo" not in body for body in before)
    assert show.closing and "make demo" not in show.closing, "true at a booth and on a video"


def test_a_playlist_sets_its_closing_line_as_one_line_of_text(tmp_path: Path) -> None:
    scene = 'title = "t"\n[[steps]]\nkind = "pause"\n'
    closing = PLAYLIST + 'closing = "Come to\\nthe booth"\n'
    assert load_show(folder(tmp_path, scene, closing)).closing == "Come to the booth"
    assert load_show(folder(tmp_path, scene)).closing == "", "none unless set"
    said = error_of(tmp_path, scene, PLAYLIST + "closing = 3\n")
    assert said.endswith("playlist.toml: field 'closing': expected text, got 3")
