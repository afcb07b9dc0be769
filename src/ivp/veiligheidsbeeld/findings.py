""" "Wat valt op": a few sentences written from the figures, only where a difference is
statistically meaningful (see `significance.py` and docs/veiligheidsbeeld.md).

Rules:
- A change of the municipality against the same months a year earlier is told when the exact
  conditional Poisson test on the rates gives p < 0.05 *and* the change is at least 10%.
- The change since the first year of the trend is added only when that change passes the same
  test; the national change over the same years is given beside it.
- A difference in the rate per 1,000 inhabitants with the similar municipalities (peer group)
  or with the Netherlands, for the total and the main groups, is told when the test of the two
  rates gives p < 0.05 and the rates differ by at least 10%.
- Never on a withheld, missing or incomplete figure, nor on a main group whose sum leaves out
  withheld types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .constants import MAX_FINDINGS
from .significance import MINIMUM_CHANGE_PCT, poisson_rate_test

if TYPE_CHECKING:
    from .selectors import Row, Veiligheidsbeeld


@dataclass(frozen=True)
class Finding:
    text: str
    line_key: str
    kind: str  # "change" or "comparison"
    p_value: float


def format_count(value: int | None) -> str:
    return "" if value is None else number_format(value, force_grouping=True)


def format_pct(value: float | None, digits: int = 0) -> str:
    """`+12%` or `-12%` with a real minus sign (U+2212), in the active language's number format."""
    if value is None:
        return ""
    rounded = round(value, digits)
    sign = "+" if rounded > 0 else ("\u2212" if rounded < 0 else "")
    return f"{sign}{number_format(abs(rounded), decimal_pos=digits)}%"


def format_rate(value: float | None) -> str:
    """A rate per 1,000 with one decimal, rounded (Django's number_format alone truncates)."""
    return "" if value is None else number_format(round(value, 1), decimal_pos=1, force_grouping=True)


def _eligible(row: Row) -> bool:
    return not row.line.excluded


def _change_sentence(picture: Veiligheidsbeeld, row: Row) -> str:
    change = row.change
    values = {
        "crime": row.line.title,
        "previous": format_count(change.previous.count),
        "current": format_count(change.current.count),
        "change": format_pct(change.change_pct),
        "previous_period": picture.previous_label,
    }
    if (change.change_pct or 0) > 0:
        text = _(
            "%(crime)s rose from %(previous)s to %(current)s (%(change)s) compared with %(previous_period)s."
        )
    else:
        text = _(
            "%(crime)s fell from %(previous)s to %(current)s (%(change)s) compared with %(previous_period)s."
        )
    text %= values
    own = picture.trend.get((picture.area.code, row.line.key), [])
    if len(own) >= 3 and row.trend_pct is not None and own[0].count is not None and own[-1].count is not None:
        long_term = poisson_rate_test(own[-1].count, own[0].count, float(own[-1].population or 1),
                                      float(own[0].population or 1))  # fmt: skip
        if long_term.significant:
            first = picture.trend_periods[0].short_label()
            if row.trend_pct_country is not None:
                text += " " + _("Since %(first)s: %(trend)s, against %(country)s nationally.") % {
                    "first": first,
                    "trend": format_pct(row.trend_pct),
                    "country": format_pct(row.trend_pct_country),
                }
            else:
                text += " " + _("Since %(first)s: %(trend)s.") % {
                    "first": first,
                    "trend": format_pct(row.trend_pct),
                }
    return text


def findings_for(picture: Veiligheidsbeeld) -> list[Finding]:
    found: list[Finding] = []
    for row in picture.rows:
        if _eligible(row) and row.change.notable and row.change.test is not None:
            found.append(
                Finding(_change_sentence(picture, row), row.line.key, "change", row.change.test.p_value)
            )
    for key in ("peers", _country_key(picture)):
        comparator = picture.comparator(key) if key else None
        if comparator is None:
            continue
        for row in [picture.row_total, *picture.group_rows]:
            finding = _comparison(row, comparator.key)
            if finding is not None:
                found.append(finding)
    # The total first, then the most certain; at most MAX_FINDINGS.
    found.sort(key=lambda f: (f.line_key != "0.0.0", f.p_value))
    return found[:MAX_FINDINGS]


def _country_key(picture: Veiligheidsbeeld) -> str | None:
    return next((c.key for c in picture.comparators if c.kind == "country"), None)


def _comparison(row: Row, key: str) -> Finding | None:
    """The municipality's rate against that of a comparator, when the difference counts."""
    own, other = row.change.current, row.others[key].current
    if not (_eligible(row) and own.usable and other.usable) or not own.population or not other.population:
        return None
    own_rate, other_rate = own.per_1000, other.per_1000
    if (
        own_rate is None
        or not other_rate
        or abs(own_rate - other_rate) * 100 / other_rate < MINIMUM_CHANGE_PCT
    ):
        return None
    assert own.count is not None and other.count is not None
    test = poisson_rate_test(own.count, other.count, float(own.population), float(other.population))
    if not test.significant:
        return None
    values = {"crime": row.line.title, "own": format_rate(own_rate), "other": format_rate(other_rate)}
    higher = own_rate > other_rate
    if key == "peers":
        text = (
            _(
                "%(crime)s: per 1,000 inhabitants higher than in similar municipalities "
                "(%(own)s against %(other)s)."
            )
            if higher
            else _(
                "%(crime)s: per 1,000 inhabitants lower than in similar municipalities "
                "(%(own)s against %(other)s)."
            )
        )
    else:
        text = (
            _("%(crime)s: per 1,000 inhabitants higher than in the Netherlands (%(own)s against %(other)s).")
            if higher
            else _(
                "%(crime)s: per 1,000 inhabitants lower than in the Netherlands (%(own)s against %(other)s)."
            )
        )
    return Finding(text % values, row.line.key, "comparison", test.p_value)
