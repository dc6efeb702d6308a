"""Claim checking: pure logic over the numbers runs printed."""

from __future__ import annotations

import pytest

from director.claims import CLAIMS, OVERLAP, Printed, Run, check, output_claim, tally


def runs(before: list[int], after: list[int], limit: int = 10) -> list[Run]:
    return [
        Run("first", limit, before, stopped_by="SIGINT", status=130, cut=len(before)),
        Run("again", limit, after, status=0),
    ]


NORMAL = runs([1, 2, 3, 4, 5], list(range(1, 11)))
DURABLE = runs([1, 2, 3, 4, 5], list(range(6, 11)))


def test_tally_of_a_normal_restart() -> None:
    t = tally(NORMAL)
    assert (t.last_before, t.first_after) == (5, 1)
    assert t.repeated == [1, 2, 3, 4, 5]
    assert t.lost == []


def test_tally_of_a_durable_resume() -> None:
    t = tally(DURABLE)
    assert (t.last_before, t.first_after, t.repeated, t.lost) == (5, 6, [], [])


def test_tally_finds_lost_numbers_up_to_the_limit() -> None:
    assert tally(runs([1, 2, 3], [6, 7, 8, 9, 10])).lost == [4, 5]
    # A run that ended well vouches for its limit, even past the highest number seen.
    assert tally([Run("one", 5, [1, 2, 3], status=0)]).lost == [4, 5]


@pytest.mark.parametrize(
    ("claim", "normal", "durable"),
    [
        ("starts_over", True, False),
        ("resumes", False, True),
        ("no_repeats", False, True),
        ("no_gaps", True, True),
        ("completes", True, True),
    ],
)
def test_each_claim_tells_the_two_counters_apart(claim: str, normal: bool, durable: bool) -> None:
    assert check(claim, NORMAL).held is normal
    assert check(claim, DURABLE).held is durable


def test_a_repeat_at_the_seam_fails_resume_and_no_repeats() -> None:
    seam = runs([1, 2, 3, 4, 5], list(range(5, 11)))
    assert not check("resumes", seam).held
    verdict = check("no_repeats", seam)
    assert not verdict.held and "5" in verdict.seen


def test_claims_without_an_interrupt_do_not_hold() -> None:
    only = [Run("one", 10, list(range(1, 11)), status=0)]
    assert not check("resumes", only).held
    assert not check("starts_over", only).held
    assert check("completes", only).held


def test_a_run_that_died_does_not_complete() -> None:
    died = runs([1, 2], [3, 4, 5, 6, 7, 8, 9, 10])
    died[-1].status = 137
    assert not check("completes", died).held


def test_every_claim_says_what_it_saw() -> None:
    for claim in CLAIMS:
        verdict = check(claim, DURABLE)
        assert verdict.claim and verdict.seen


def test_a_disruption_inside_one_run_cuts_it_there() -> None:
    # The Temporal service died after 4 while this one run kept going.
    one = [Run("one", 10, list(range(1, 11)), status=0, cut=4)]
    t = tally(one)
    assert (t.last_before, t.first_after, t.repeated, t.lost) == (4, 5, [], [])
    assert check("resumes", one).held


def test_output_claims_read_what_the_last_run_printed_as_text() -> None:

    printed = Printed.of("\x1b[32mdone\x1b[0m 42 items\r\n")
    run = Run("python tool.py", 10, status=0, printed=printed)
    has = output_claim("output_has", r"done \d+ items", [run])
    assert has.held and has.claim == "it prints 'done \\\\d+ items'" and "done 42 items" in has.seen
    lacks = output_claim("output_lacks", "Traceback", [run])
    assert lacks.held and lacks.seen == "never printed it"
    assert not output_claim("output_lacks", "items", [run]).held
    assert output_claim("exit_status", 0, [run]).held
    failed = output_claim("exit_status", 1, [run])
    assert not failed.held and failed.seen == "exit status 0"
    assert output_claim("output_has", "x", []).seen == "no program ran"
    slow = output_claim(
        "output_has", r"(a|aa)+b", [Run("p", 1, printed=Printed.of("a" * 60 + "c"))]
    )
    assert not slow.held and "took over" in slow.seen


def test_numbers_are_counted_line_by_line_as_the_output_comes() -> None:
    printed = Printed()
    for read in ["1\r\n2", "3\r\n\x1b[3", "2m4\x1b[0m\r\n", "  5 \r\n", "²\r\n", "6"]:
        printed.add(read)
    assert printed.numbers == [1, 23, 4, 5], "a line cut by a read, colours, the last unfinished"
    printed.add("\r\n" + "7" * 5000 + "\r\n8\r\n")
    assert printed.numbers == [1, 23, 4, 5, 6, 8], "a line int() refuses is no number"
    long = Printed()
    for _ in range(100):
        long.add("9" * 65536)
    assert len(long._line) <= 4301, "the unfinished line is not kept whole"


def test_a_pattern_is_found_when_its_match_comes_in_two_reads() -> None:
    printed = Printed(["tick 1", r"done \d+"])
    printed.add("tick 0\r\ntick")
    printed.add(" 1\r\ndo\x1b[1")
    printed.add("mne 4")
    assert printed.match("tick 1") == "tick 1" and printed.match(r"done \d+") == "done 4"


def test_output_lacks_covers_the_whole_run_after_what_is_kept_is_gone() -> None:
    printed = Printed(["Traceback"])
    printed.add("Traceback (most recent call last)\r\n")
    for n in range(20_000):  # far more than the overlap kept
        printed.add(f"line {n}\r\n")
    assert len(printed._window) <= OVERLAP
    run = Run("p", 1, printed=printed)
    lacks = output_claim("output_lacks", "Traceback", [run])
    assert not lacks.held and lacks.seen == "printed 'Traceback'"
    assert output_claim("output_has", "line 19999", [run]).held
    late = output_claim("output_has", "most recent", [run])
    assert not late.held, "a pattern not watched from the start sees only what is still kept"


def test_a_pattern_that_takes_too_long_is_tried_no_more() -> None:
    printed = Printed([r"(a|aa)+b"])
    printed.add("a" * 60 + "c")
    assert r"(a|aa)+b" in printed.slow
    printed.add("ab")
    with pytest.raises(TimeoutError):
        printed.match(r"(a|aa)+b")


def test_a_line_str_strip_and_int_disagree_on_is_no_number_and_no_crash() -> None:
    # str.strip() strips \x1c-\x1f, int() refuses them: binary output must not crash a show.
    printed = Printed()
    printed.add("6\x1c\r\n\x1d7\r\n\x1e\r\n 8 \r\n\t9\x0b\r\n")
    assert printed.numbers == [8, 9]


def test_ran_once_holds_for_a_program_never_started_again() -> None:
    once = check("ran_once", [Run("python starter.py", 10, status=0)])
    assert once.held and once.seen == "started once, exited with status 0"
    twice = check("ran_once", DURABLE)
    assert not twice.held and twice.seen == "started 2 times, exited with status 0"
    assert not check("ran_once", []).held, "never started"


def test_a_worker_still_running_completes_once_its_count_reached_the_limit() -> None:
    running = [Run("python worker.py", 10, list(range(1, 11)))]  # it waits for more work
    verdict = check("completes", running)
    assert verdict.held and verdict.seen == "last run reached 10, still running"
    assert not check("completes", [Run("python worker.py", 10, [1, 2], status=137)]).held
