import pytest

from director.regions import Regions


@pytest.mark.parametrize(
    ("size", "natural", "beside"),
    [((200, 50), 0, True), ((200, 50), 46, True), ((200, 50), 60, False), ((100, 30), 0, False)],
)
def test_a_side_region_narrower_than_its_programs_widest_line_goes_below(
    size: tuple[int, int], natural: int, beside: bool
) -> None:
    regions = Regions.of(*size, wants=[(0, natural)])
    assert regions is not None and regions.beside is beside
    if not beside:
        assert regions.columns == size[0], "below, it has the whole width"


@pytest.mark.parametrize(
    ("size", "main", "wants", "rows"),
    [
        ((100, 30), 0, 0, 9),  # nothing known: a third of the body
        ((100, 30), 8, 12, 12),  # a short panel: the counter's 10 rows and its border
        ((100, 30), 40, 12, 9),  # a tall panel: a third, no less
        ((100, 30), 4, 60, 22),  # a long output: all the main panel leaves, less MAIN_LEAST
        ((80, 24), 6, 3, 5),  # little printed: the least a panel takes
    ],
)
def test_the_program_region_below_takes_what_the_main_panel_leaves(
    size: tuple[int, int], main: int, wants: int, rows: int
) -> None:
    regions = Regions.of(*size, main, [(wants, 0)])
    assert regions is not None
    assert (regions.beside, regions.rows, regions.columns) == (False, rows, size[0])
    beside = Regions.of(200, 50, main, [(wants, 0)])
    assert beside is not None and beside.rows == (min(48, max(5, wants)) if wants else 48)
    assert (Regions.of(200, 50) or beside).rows == 48, "beside, nothing known: the whole body"


@pytest.mark.parametrize(
    ("size", "wants", "across", "shares"),
    [
        ((80, 24), [(15, 2), (7, 31)], True, (40, 40)),  # a worker and its starter: both fit
        ((80, 24), [(15, 2), (7, 50)], False, (5, 5)),  # a wide line: stacked, the least each
        ((100, 30), [(15, 2), (7, 31), (30, 36)], False, (5, 5, 5)),  # a third too wide: stacked
        ((120, 40), [(15, 2), (7, 31), (30, 36)], True, (40, 40, 40)),  # three side by side
    ],
)
def test_several_panes_below_stand_side_by_side_where_each_line_fits_else_stacked(
    size: tuple[int, int], wants: list[tuple[int, int]], across: bool, shares: tuple[int, ...]
) -> None:
    main = size[1]  # a tall main panel: the panes get the least they may
    regions = Regions.of(*size, main, wants)
    assert regions is not None and not regions.beside
    assert (regions.across, regions.shares) == (across, shares)
    if across:
        assert sum(regions.shares) == size[0], "the whole width"
    else:
        assert regions.rows == sum(regions.shares), "stacked: the region is their rows"


def test_stacked_panes_share_the_rows_the_one_the_step_is_about_first() -> None:
    regions = Regions.of(80, 24, 8, [(12, 50), (12, 50)])
    assert regions is not None and not regions.across
    assert regions.rows == 14 and regions.shares == (9, 5), "all the main panel leaves"
    assert Regions.of(80, 24, 8, [(12, 50)] * 4) is None, "16 rows hold three panes, not four"


def test_panes_beside_are_stacked_each_as_tall_as_it_fills_within_the_body() -> None:
    regions = Regions.of(200, 50, 10, [(15, 2), (7, 31), (60, 36)])
    assert regions is not None and regions.beside and regions.columns == 50
    assert regions.shares == (15, 7, 26) and regions.rows == 48, "the last one gets what is left"
