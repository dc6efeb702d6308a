import pytest

from director.regions import Regions


@pytest.mark.parametrize(
    ("size", "natural", "beside"),
    [((200, 50), 0, True), ((200, 50), 46, True), ((200, 50), 60, False), ((100, 30), 0, False)],
)
def test_a_side_region_narrower_than_its_programs_widest_line_goes_below(
    size: tuple[int, int], natural: int, beside: bool
) -> None:
    regions = Regions.of(*size, natural=natural)
    assert regions.beside is beside
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
    regions = Regions.of(*size, main, wants)
    assert (regions.beside, regions.rows, regions.columns) == (False, rows, size[0])
    assert Regions.of(200, 50, main, wants).rows == (min(48, max(5, wants)) if wants else 48)
    assert Regions.of(200, 50).rows == 48, "beside, nothing known of it: the whole body"
