"""Wilson and Newcombe intervals: published values, and the properties they must have."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.analytics.intervals import newcombe, wilson


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),  # Newcombe (1998), "Two-sided confidence intervals for the
        (15, 148, 0.0624, 0.1605),  # single proportion", its examples, method 3 (score)
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (0, 10, 0.0, 0.2775),  # the bounds that the difference examples below are built from
        (10, 10, 0.7225, 1.0),
    ],
)
def test_wilson_matches_published_values(x: int, n: int, low: float, high: float) -> None:
    got = wilson(x, n)
    assert got == pytest.approx((low, high), abs=6e-5)


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ((56, 70), (48, 80), 0.0524, 0.3339),  # Newcombe (1998), "Interval estimation for the
        ((9, 10), (3, 10), 0.1705, 0.8090),  # difference between independent proportions",
        ((5, 56), (0, 29), -0.0381, 0.1926),  # its examples, method 10
        ((0, 10), (0, 20), -0.1611, 0.2775),
        ((0, 10), (0, 10), -0.2775, 0.2775),
        ((10, 10), (0, 20), 0.6791, 1.0),
    ],
)
def test_newcombe_matches_published_values(
    a: tuple[int, int], b: tuple[int, int], low: float, high: float
) -> None:
    d, lo, hi = newcombe(a[0], a[1], b[0], b[1])
    assert d == pytest.approx(a[0] / a[1] - b[0] / b[1])
    assert (lo, hi) == pytest.approx((low, high), abs=6e-5)


@given(n=st.integers(1, 5000), data=st.data())
def test_wilson_contains_the_estimate_and_is_symmetric(n: int, data: st.DataObject) -> None:
    x = data.draw(st.integers(0, n))
    low, high = wilson(x, n)
    assert 0.0 <= low <= x / n <= high <= 1.0
    mirror = wilson(n - x, n)
    assert (low, high) == pytest.approx((1 - mirror[1], 1 - mirror[0]), abs=1e-12)


@given(n1=st.integers(1, 3000), n2=st.integers(1, 3000), data=st.data())
def test_newcombe_contains_the_difference_and_is_antisymmetric(
    n1: int, n2: int, data: st.DataObject
) -> None:
    x1, x2 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    d, low, high = newcombe(x1, n1, x2, n2)
    assert -1.0 <= low <= d <= high <= 1.0
    back = newcombe(x2, n2, x1, n1)
    assert (back[0], back[1], back[2]) == pytest.approx((-d, -high, -low), abs=1e-12)


def test_intervals_narrow_as_samples_grow() -> None:
    widths = [wilson(n // 10, n)[1] - wilson(n // 10, n)[0] for n in (100, 1_000, 10_000)]
    assert widths[0] > widths[1] > widths[2]
    assert widths[2] == pytest.approx(2 * 1.96 * math.sqrt(0.1 * 0.9 / 10_000), rel=0.01)


def test_degenerate_inputs() -> None:
    assert wilson(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        wilson(3, 2)
    d, low, high = newcombe(1, 0, 1, 2)
    assert math.isnan(d) and (low, high) == (-1.0, 1.0)
