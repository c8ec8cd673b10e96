"""The suppression rules on their own: primary, secondary, rates."""

from __future__ import annotations

from itertools import product

import pytest

from tests.reports.attack import lines_of, worked_out
from webapp.reports.suppression import TOTAL, Figure, Status, protect, rate, shown


def _solve(figures: dict, dimensions) -> dict:
    known = {key: figure.value for key, figure in figures.items() if figure.shown}
    return worked_out(known, lines_of(figures, dimensions))


def test_a_count_below_the_threshold_is_shown_as_fewer_than_it():
    figures = protect({("a",): 3, ("b",): 10, ("c",): 12}, [["a", "b", "c"]])
    assert figures[("a",)].status is Status.SMALL
    assert figures[("a",)].text == "fewer than 5"
    assert figures[("a",)].value is None


def test_zero_and_counts_at_the_threshold_are_shown():
    figures = protect({("a",): 5, ("b",): 0}, [["a", "b"]])
    assert figures[("a",)].text == "5"
    assert figures[("b",)].text == "0"
    assert figures[(TOTAL,)].text == "5"


def test_the_next_smallest_cell_is_hidden_so_the_total_does_not_give_the_small_one():
    figures = protect({("a",): 3, ("b",): 10, ("c",): 12}, [["a", "b", "c"]])
    assert figures[("b",)].status is Status.HIDDEN
    assert figures[("c",)].shown and figures[(TOTAL,)].shown
    assert ("a",) not in _solve(figures, [["a", "b", "c"]])


def test_the_total_is_hidden_when_no_other_cell_can_be():
    figures = protect({("a",): 3, ("b",): 0}, [["a", "b"]])
    assert figures[(TOTAL,)].status is Status.SMALL  # 3 itself
    figures = protect({("a",): 3, ("b",): 7}, [["a", "b"]])
    assert figures[("b",)].status is Status.HIDDEN
    assert ("a",) not in _solve(figures, [["a", "b"]])


def test_a_threshold_of_a_borough_is_used():
    figures = protect({("a",): 6, ("b",): 20, ("c",): 30}, [["a", "b", "c"]], threshold=10)
    assert figures[("a",)].text == "fewer than 10"


@pytest.mark.parametrize("seed", range(40))
def test_no_small_count_of_a_random_cube_can_be_worked_out_from_what_is_shown(seed):
    import random

    chance = random.Random(seed)
    dimensions = [["s1", "s2", "s3"], ["a1", "a2"], ["d1", "d2", "d3"]]
    counts = {key: chance.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 15]) for key in product(*dimensions)}
    figures = protect(counts, dimensions)
    learnt = _solve(figures, dimensions)
    small = [key for key, figure in figures.items() if figure.status is Status.SMALL]
    assert not [key for key in small if key in learnt]
    # Everything shown is the true count.
    for key, figure in figures.items():
        if figure.shown:
            expected = sum(
                value
                for cell, value in counts.items()
                if all(part in (TOTAL, mine) for part, mine in zip(key, cell, strict=True))
            )
            assert figure.value == expected


def test_a_key_outside_the_dimensions_is_refused():
    with pytest.raises(ValueError):
        protect({("x",): 1}, [["a"]])


def test_a_rate_needs_both_figures_shown():
    assert rate(shown(5, 5), shown(20, 5)) == "25%"
    assert rate(Figure(None, Status.SMALL, 5), shown(20, 5)) is None
    assert rate(shown(5, 5), Figure(None, Status.HIDDEN, 5)) is None
    assert rate(shown(0, 5), shown(0, 5)) is None
