"""The docs: the README is a front door, and every example in the docs is checked against the
code (command lines parse, TOML loads, links lead somewhere, tables match what they describe)."""

from __future__ import annotations

import contextlib
import importlib.util
import re
import shlex
import shutil
import tomllib
from pathlib import Path

import pytest
from temporalio.envconfig import ClientConfig

from director import TALK, cli
from director.errors import Status
from director.scenes import load_scene, load_show

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
"""What a reader of the docs reads: the README and the pages in docs/."""
WITH_SCENES = [*PAGES, ROOT / "scenes" / "README.md"]
"""And the scene reference, whose own examples test_scenes.py checks step by step."""

FRONT_DOOR_BYTES = 6 * 1024
SCREEN = (100, 50)
"""A screen: 100 columns (ruff's line length), 50 rows."""

FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```$", re.M | re.S)
SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def blocks(page: Path) -> list[tuple[str, str]]:
    """A page's fenced code blocks: (language, text)."""
    return FENCE.findall(page.read_text())


def prose(page: Path) -> str:
    """A page without its fenced code blocks."""
    return FENCE.sub("", page.read_text())


def spans(page: Path) -> list[str]:
    """A page's inline code, outside the code blocks."""
    return SPAN.findall(prose(page))


# --- The front door ---------------------------------------------------------------------------


def test_the_readme_is_a_front_door() -> None:
    text = README.read_text()
    assert len(text.encode()) <= FRONT_DOOR_BYTES, "the rest goes to a page in docs/"
    columns, rows = SCREEN
    lines = sum(max(1, -(-len(line) // columns)) for line in text.splitlines())
    assert lines <= 2 * rows, f"{lines} lines at {columns} columns: more than two screens"


def test_the_readme_gives_the_two_commands_a_fresh_machine_needs() -> None:
    shell = "\n".join(text for language, text in blocks(README) if language == "sh")
    assert re.search(r"^make demo\b", shell, re.M)
    assert re.search(r"^make test\b", shell, re.M), "CI runs the README's `make test`"
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_readme_shows_the_picture_and_the_keys() -> None:
    text = README.read_text()
    images = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)
    assert {"docs/demo.gif", "docs/stage.svg"} & set(images)
    assert "| keys | what they do |" in text


def test_the_readme_links_every_page_of_the_docs() -> None:
    links = LINK.findall(prose(README))
    linked = {(README.parent / link.split("#")[0]).resolve() for link in links}
    for page in PAGES[1:]:
        assert page.resolve() in linked, f"README.md does not link {_id(page)}"
    assert (ROOT / "scenes" / "README.md").resolve() in linked, "the scene reference"


def test_the_package_metadata_is_the_readme() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["readme"] == "README.md"


# --- Command lines ----------------------------------------------------------------------------

ENDS = {">", ">>", "2>", "|", "&&", ";", "&"}


def _commands_in(line: str) -> list[str] | None:
    """The director's arguments in one shell line (after `counter-demo`, or after
    `python .../demo.py`); None if the line does not run the director."""
    line = re.sub(r"^\w+=", "", line.strip())  # a unit file's ExecStart=
    with contextlib.suppress(ValueError):  # not a shell line: a `"` or a `\` left open
        words = shlex.split(line, comments=True)
        for at, word in enumerate(words):
            if word == "counter-demo" or word.endswith("demo.py"):
                argv = words[at + 1 :]
                cut = next((i for i, w in enumerate(argv) if w in ENDS or w.startswith(">")), None)
                return argv[:cut]
    return None


def command_lines() -> list[tuple[str, list[str]]]:
    """Every command line of the director the docs show: in a code block (its continued
    lines joined), or as inline code that starts like one (in prose or in a table)."""
    found = []
    for page in PAGES:
        lines = [
            line
            for language, text in blocks(page)
            if language != "toml"
            for line in text.replace("\\\n", " ").splitlines()
        ]
        starts = re.compile(r"(python3? |\.venv/bin/python |counter-demo\b)")
        lines += [span for span in spans(page) if starts.match(span)]
        for line in lines:
            if (argv := _commands_in(line)) is not None:
                found.append((f"{_id(page)}: {line.strip()}", argv))
    return found


COMMANDS = command_lines()


def test_the_docs_show_command_lines() -> None:
    """The extraction itself: a change that found none would check nothing."""
    assert len(COMMANDS) >= 40
    shown = [argv for _, argv in COMMANDS]
    assert ["--auto", "--once"] in shown
    assert ["init", "mytalk"] in shown
    assert ["--notes", "--drive"] in shown


def _parsed(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str | None:
    """What is wrong with the director's arguments, in its own words; None if nothing."""
    try:
        if argv[:1] == ["init"]:
            cli.parse_init(argv[1:])
        else:
            cli.parse(argv)
    except SystemExit as exit:
        if exit.code:
            return capsys.readouterr().err.strip() or f"exit {exit.code}"
    return None


@pytest.mark.parametrize(("where", "argv"), COMMANDS, ids=[where for where, _ in COMMANDS])
def test_every_command_line_in_the_docs_parses(
    where: str, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _parsed(argv, capsys) is None, where
    flags = _flags(capsys)
    for word in argv:
        if word.startswith("--"):  # argparse takes a flag's abbreviation: the docs do not
            assert word.split("=")[0] in flags, f"{where}: {word} is not spelled out"


def _flags(capsys: pytest.CaptureFixture[str]) -> set[str]:
    """Every flag the director and `init` take, from their own --help."""
    said = ""
    for parse, argv in ((cli.parse, ["--help"]), (cli.parse_init, ["--help"])):
        with pytest.raises(SystemExit):
            parse(argv)
        said += capsys.readouterr().out
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", said))


def test_a_wrong_command_line_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    """The check above can fail: a flag that does not exist, a value out of range."""
    assert "not a flag it knows" in _parsed(["--speedy", "2"], capsys)
    assert "--speed" in _parsed(["--speed", "0"], capsys)
    assert "--notes" in _parsed(["--notes", "--record", "x.gif"], capsys)
    assert _parsed(["init", "mytalk", "--force"], capsys) is None
    assert _commands_in("python demo.py --auto --once > log.txt  # here") == ["--auto", "--once"]
    assert _commands_in("make test") is None


OTHER_FLAGS = {
    "--user": "systemctl",
    "--check": "ruff format",
}
"""Flags of other tools the docs name, and whose they are."""


def test_every_flag_the_docs_name_exists(capsys: pytest.CaptureFixture[str]) -> None:
    """Every `--flag` anywhere in the docs is the director's (or init's), or a flag of one of
    the project's own programs (the counters, the benchmarks), or of a tool named here."""
    ours = _flags(capsys)
    sources = [*ROOT.glob("counter/*/*.py"), *ROOT.glob("bench/*.py")]
    theirs = set(re.findall(r"""["'](--[a-z][a-z-]*)["']""", _read_all(sources)))
    for page in WITH_SCENES:
        for flag in set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", page.read_text())):
            assert flag in ours | theirs | OTHER_FLAGS.keys(), f"{_id(page)}: {flag}"


def _read_all(paths: list[Path]) -> str:
    return "\n".join(path.read_text() for path in paths)


def test_every_script_the_docs_run_exists() -> None:
    for page in PAGES:
        for language, text in blocks(page):
            if language != "sh":
                continue
            for line in text.replace("\\\n", " ").splitlines():
                words = shlex.split(line, comments=True)
                if len(words) < 2 or not words[0].endswith(("python", "python3")):
                    continue
                if words[1] == "-m":
                    assert importlib.util.find_spec(words[2]), f"{_id(page)}: {line}"
                elif words[1].endswith(".py"):
                    assert (ROOT / words[1]).is_file(), f"{_id(page)}: {line}"


# --- TOML -------------------------------------------------------------------------------------

SNIPPETS = [
    (f"{_id(page)}#{n}", text)
    for page in WITH_SCENES
    for n, (language, text) in enumerate(blocks(page))
    if language == "toml"
]


def load_snippet(text: str, tmp_path: Path) -> str:
    """Load a TOML snippet as what it is: a playlist, a scene, a step or two of one, or a
    profile of Temporal's environment configuration; what it was loaded as."""
    table = tomllib.loads(text)
    if "scenes" in table:
        folder = tmp_path / "scenes"
        shutil.copytree(TALK / "scenes", folder)
        (folder / "playlist.toml").write_text(text)
        load_show(folder)
        return "playlist"
    if "steps" in table:
        if "title" not in table:  # a step or two, after a durable counter's run
            run = 'kind = "run"\nprogram = "counter/durable-execution/start-execution.py"'
            text = f'title = "t"\n[[steps]]\n{run}\ndurable = true\n\n{text}'
        (tmp_path / "one.toml").write_text(text)
        load_scene(tmp_path / "one.toml", TALK)
        return "scene"
    if "profile" in table:
        ClientConfig.load(config_source=text.encode(), config_file_strict=True)
        return "profile"
    raise AssertionError(f"a TOML snippet of no kind the project reads: {text[:60]!r}")


def test_the_docs_show_toml() -> None:
    assert len(SNIPPETS) >= 10
    assert any(_id(ROOT / "docs" / "your-talk.md") in where for where, _ in SNIPPETS)


@pytest.mark.parametrize(("where", "text"), SNIPPETS, ids=[where for where, _ in SNIPPETS])
def test_every_toml_snippet_loads(where: str, text: str, tmp_path: Path) -> None:
    load_snippet(text, tmp_path)


@pytest.mark.parametrize(
    "broken",
    [
        'title = "x"\nscenes = ["before-temporal", "no-such-scene"]\n',
        'title = "x"\n[[steps]]\nkind = "wait_for"\nnumber = "five"\n',
        '[[steps]]\nkind = "narate"\ntitle = "t"\nbody = "b"\n',
        '[profile.cloud]\naddres = "x:7233"\n',
        "limit = 10\n",
    ],
)
def test_a_broken_toml_snippet_is_caught(broken: str, tmp_path: Path) -> None:
    with pytest.raises(Exception):  # noqa: B017 (each kind fails its own way: all must fail)
        load_snippet(broken, tmp_path)


# --- Tables -----------------------------------------------------------------------------------


def table(page: Path, header: str) -> list[list[str]]:
    """The rows of the table on `page` whose header line starts with `header`, as cells."""
    lines = page.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        rows.append([cell.strip() for cell in cells])
    return rows


def test_the_exit_statuses_are_the_codes() -> None:
    page = ROOT / "docs" / "troubleshooting.md"
    shown = [int(row[0].strip("*")) for row in table(page, "| status |")]
    assert shown == [status.value for status in Status], "one row per Status, in order"
    interrupted = table(page, "| status |")[-1]
    assert "128 + n" in interrupted[2] and f"{128 + 13}" in interrupted[2]  # SIGPIPE is 13
    assert Status.INTERRUPTED == 128 + 2  # SIGINT


def test_the_module_table_is_the_modules() -> None:
    page = ROOT / "docs" / "development.md"
    rows = {row[0].strip("`") for row in table(page, "| module |")}
    modules = {f"director/{p.name}" for p in (ROOT / "director").glob("*.py")} - {
        "director/__init__.py"
    }
    assert rows == modules, f"no row: {modules - rows}; no module: {rows - modules}"


def test_every_make_target_named_exists() -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([\w.-]+):(?!=)", makefile, re.M))
    named = set()
    for page in PAGES:
        code = "\n".join([*spans(page), *(text for _, text in blocks(page))])
        named |= set(re.findall(r"\bmake ([a-z][\w-]*)", code))
    assert {"demo", "test", "test-fast", "gif", "pictures", "bench"} <= named
    assert named <= targets, f"not in the Makefile: {named - targets}"


def recipe(target: str) -> list[str]:
    """The director's arguments in a Makefile target's recipe, its variables filled in."""
    makefile = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    variables = dict(re.findall(r"^(\w+) :?= (.*)$", makefile, re.M))
    [body] = re.findall(rf"^{re.escape(target)}:.*\n((?:\t.*\n)+)", makefile, re.M)
    body = re.sub(r"\$\((\w+)\)", lambda m: variables.get(m[1], m[0]), body)
    return _commands_in(next(line for line in body.splitlines() if "demo.py" in line))


def test_what_the_docs_say_a_make_target_runs_is_what_it_runs() -> None:
    said = re.findall(r"`make (\w+)` runs `([^`]+)`", README.read_text())
    assert said, "the README says what `make demo` runs"
    for target, command in said:
        assert recipe(target) == _commands_in(command), target
    gif = " ".join(recipe("gif"))  # the README's picture, as docs/recording.md describes it
    for made in ("--speed 2", "--idle-limit 2", "--record-size 100x30", "--font-size 14"):
        assert made in gif
    assert "`make gif` makes `docs/demo.gif`" in (ROOT / "docs" / "recording.md").read_text()


# --- Links ------------------------------------------------------------------------------------


def slugs(page: Path) -> set[str]:
    """The anchors GitHub makes of a page's headings."""
    headings = re.findall(r"^#+ (.+)$", prose(page), re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def broken_links(page: Path, root: Path = ROOT) -> list[str]:
    """The relative links and images on a page that lead nowhere: out of `root`, to no file,
    or to no heading."""
    broken = []
    for link in LINK.findall(SPAN.sub("", prose(page))):
        if re.match(r"[a-z]+:", link):
            continue
        path, _, anchor = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        nowhere = not target.exists() or not target.is_relative_to(root)
        if nowhere or (anchor and target.suffix == ".md" and anchor not in slugs(target)):
            broken.append(link)
    return broken


@pytest.mark.parametrize("page", WITH_SCENES, ids=_id)
def test_every_relative_link_leads_somewhere(page: Path) -> None:
    assert broken_links(page) == []


def test_a_broken_link_is_caught(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "other.md").write_text("# Other\n\n## The safety net\n")
    (tmp_path / "docs" / "there.svg").write_text("<svg/>")
    page = tmp_path / "docs" / "page.md"
    page.write_text(
        "# A page\n"
        "[there](other.md#the-safety-net) ![there](there.svg) [web](https://temporal.io)\n"
        "[here](#a-page) `[code](gone.md)`\n"
        "![gone](gone.svg) [no such](other.md#nowhere) [not here](#elsewhere)\n"
        "[outside](../../etc/hostname)\n"
    )
    broken = broken_links(page, tmp_path)
    assert broken == ["gone.svg", "other.md#nowhere", "#elsewhere", "../../etc/hostname"]
