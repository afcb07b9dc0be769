"""The exact conditional Poisson test, against known values and exact arithmetic."""

from __future__ import annotations

import itertools
import time
from fractions import Fraction
from math import comb

import pytest

from ivp.veiligheidsbeeld.significance import SIGNIFICANCE_LEVEL, binomial_test, poisson_rate_test


def exact_two_sided(k: int, n: int, p: Fraction) -> float:
    """The definition, in exact fractions: the probability of every outcome at most as likely."""
    probabilities = [comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
    limit = probabilities[k] * Fraction(10_000_001, 10_000_000)
    return float(sum(x for x in probabilities if x <= limit))


def test_binomial_test_gives_the_textbook_values() -> None:
    assert binomial_test(3, 10) == pytest.approx(176 * 2 / 1024)  # 0.34375
    assert binomial_test(0, 10) == pytest.approx(2 / 1024)
    assert binomial_test(5, 10) == pytest.approx(1.0)
    # R: binom.test(682, 925, p = 3/4) -> p-value = 0.3825
    assert binomial_test(682, 925, 0.75) == pytest.approx(0.3825, abs=5e-5)


def test_poisson_rate_test_gives_the_value_of_r_poisson_test() -> None:
    # R: poisson.test(c(11, 6 + 8 + 7), c(800, 1083 + 1050 + 878)) -> p-value = 0.07967
    result = poisson_rate_test(11, 6 + 8 + 7, 800, 1083 + 1050 + 878)
    assert result.p_value == pytest.approx(0.07967, abs=5e-6)
    assert not result.significant
    assert result.rate_ratio == pytest.approx((11 / 800) / (21 / 3011))


@pytest.mark.parametrize(("n", "p"), [(12, Fraction(1, 2)), (15, Fraction(1, 3)), (20, Fraction(7, 10))])
def test_binomial_test_equals_exact_arithmetic_for_every_outcome(n: int, p: Fraction) -> None:
    for k in range(n + 1):
        assert binomial_test(k, n, float(p)) == pytest.approx(exact_two_sided(k, n, p), rel=1e-9, abs=1e-15)


def test_equal_counts_are_not_significant_and_a_halving_of_hundreds_is() -> None:
    assert poisson_rate_test(100, 100).p_value == pytest.approx(1.0)
    assert poisson_rate_test(100, 200).significant
    assert poisson_rate_test(100, 200).p_value < 1e-8
    # Small numbers: 3 against 6 is a halving, but well within chance.
    assert not poisson_rate_test(3, 6).significant
    assert SIGNIFICANCE_LEVEL == 0.05


def test_the_exposure_decides_what_is_expected() -> None:
    # Twice the inhabitants, twice the crimes: the same rate.
    assert poisson_rate_test(200, 100, 2.0, 1.0).p_value == pytest.approx(1.0)
    assert poisson_rate_test(200, 100).significant


def test_national_counts_are_tested_quickly() -> None:
    started = time.perf_counter()
    for a, b in itertools.product((800_000, 802_043), (799_895, 750_000)):
        poisson_rate_test(a, b, 17.9e6, 17.6e6)
    assert time.perf_counter() - started < 0.5


def test_impossible_input_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and n"):
        binomial_test(11, 10)
    with pytest.raises(ValueError, match="strictly between"):
        binomial_test(1, 10, 1.0)
    with pytest.raises(ValueError, match="negative"):
        poisson_rate_test(-1, 3)
