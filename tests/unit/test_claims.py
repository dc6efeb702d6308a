"""Claim checking: pure logic over the numbers runs printed."""

from __future__ import annotations

import pytest

from director.claims import CLAIMS, Run, check, tally


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
    from director.claims import output_claim

    run = Run("python tool.py", 10, output="\x1b[32mdone\x1b[0m 42 items\r\n", status=0)
    has = output_claim("output_has", r"done \d+ items", [run])
    assert has.held and has.claim == "it prints 'done \\\\d+ items'" and "done 42 items" in has.seen
    lacks = output_claim("output_lacks", "Traceback", [run])
    assert lacks.held and lacks.seen == "never printed it"
    assert not output_claim("output_lacks", "items", [run]).held
    assert output_claim("exit_status", 0, [run]).held
    failed = output_claim("exit_status", 1, [run])
    assert not failed.held and failed.seen == "exit status 0"
    assert output_claim("output_has", "x", []).seen == "no program ran"
    slow = output_claim("output_has", r"(a|aa)+b", [Run("p", 1, output="a" * 60 + "c")])
    assert not slow.held and "took over" in slow.seen
