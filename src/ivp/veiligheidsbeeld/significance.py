"""Is a change between two counts more than chance? The exact conditional Poisson test.

Registered crimes in a period are modelled as Poisson counts. To compare two counts `k1` and
`k2` observed over exposures `t1` and `t2` (e.g. inhabitants, or 1 and 1 for the same place in
two periods of equal length), the test conditions on their sum n = k1 + k2: under H0 (the same
rate per unit of exposure) k1 is Binomial(n, p0) with p0 = t1 / (t1 + t2). The two-sided p-value
is the probability, under that binomial, of every outcome that is at most as likely as the
observed one (the rule of R's `binom.test` and `poisson.test`).

Only the standard library is used. The binomial probabilities are computed in log space
(`math.lgamma`) and summed outwards from the mode until they are negligible, so a comparison of
hundreds of thousands of crimes costs a few thousand terms, not n.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

SIGNIFICANCE_LEVEL = 0.05
"""A change is called statistically meaningful when p < 0.05 (two-sided)."""

MINIMUM_CHANGE_PCT = 10.0
"""...and, for the "wat valt op" sentences, when it is also at least 10% (practical relevance:
with large counts a change of 1% can be significant without mattering)."""

_RELATIVE_ERROR = 1 + 1e-7  # outcomes this close to the observed probability count as "as likely"
_NEGLIGIBLE = -745.0  # log of the smallest positive double: terms below it add nothing


def _log_pmf(k: int, n: int, p: float) -> float:
    return (
        math.lgamma(n + 1)
        - math.lgamma(k + 1)
        - math.lgamma(n - k + 1)
        + (k * math.log(p) if k else 0.0)
        + ((n - k) * math.log1p(-p) if n - k else 0.0)
    )


def binomial_test(k: int, n: int, p: float = 0.5) -> float:
    """Two-sided exact binomial test of k successes in n trials against probability p."""
    if not 0 <= k <= n:
        raise ValueError("k must lie between 0 and n")
    if not 0 < p < 1:
        raise ValueError("p must lie strictly between 0 and 1")
    if n == 0:
        return 1.0
    observed = _log_pmf(k, n, p)
    threshold = observed + math.log(_RELATIVE_ERROR)
    mode = min(n, max(0, int((n + 1) * p)))
    at_mode = _log_pmf(mode, n, p)
    odds = math.log(p) - math.log1p(-p)
    total = 0.0
    # Walk down, then up, from the mode, each term from the one before (pmf(i+1) / pmf(i) =
    # (n - i) / (i + 1) * p / (1 - p)): on each side the probabilities fall monotonically, so a
    # side ends when its terms underflow or no longer change the sum.
    for step in (-1, 1):
        i, log_p = mode, at_mode
        if step == 1:
            if mode == n:
                break
            i, log_p = mode + 1, at_mode + math.log((n - mode) / (mode + 1)) + odds
        while True:
            if log_p < _NEGLIGIBLE:
                break
            if log_p <= threshold:
                total += math.exp(log_p)
                if log_p < math.log(total) - 40:
                    break
            if step == -1:
                if i == 0:
                    break
                log_p -= math.log((n - i + 1) / i) + odds
            else:
                if i == n:
                    break
                log_p += math.log((n - i) / (i + 1)) + odds
            i += step
    return min(1.0, total)


@dataclass(frozen=True)
class RateTest:
    """The comparison of count1 over exposure1 with count2 over exposure2."""

    count1: int
    exposure1: float
    count2: int
    exposure2: float
    p_value: float

    @property
    def rate_ratio(self) -> float | None:
        if self.count2 == 0:
            return None
        return (self.count1 / self.exposure1) / (self.count2 / self.exposure2)

    @property
    def significant(self) -> bool:
        return self.p_value < SIGNIFICANCE_LEVEL


@functools.lru_cache(maxsize=65536)
def poisson_rate_test(count1: int, count2: int, exposure1: float = 1.0, exposure2: float = 1.0) -> RateTest:
    """The exact conditional test of H0: count1/exposure1 and count2/exposure2 estimate the same
    Poisson rate (see the module's description). Remembered per process: the same comparisons
    (a region's two periods) recur on every municipality's page of a batch."""
    if count1 < 0 or count2 < 0:
        raise ValueError("counts cannot be negative")
    if exposure1 <= 0 or exposure2 <= 0:
        raise ValueError("exposures must be positive")
    p0 = exposure1 / (exposure1 + exposure2)
    p_value = binomial_test(count1, count1 + count2, p0)
    return RateTest(count1, exposure1, count2, exposure2, p_value)
