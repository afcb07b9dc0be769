"""The arithmetic of a priority-setting round, on plain data (no database): the tally per theme
and the ranked list.

Tally per catalogue theme:
- `member_count`: members with at least one input on the theme (a member counts once);
- `member_share`: member_count / number of members of the network;
- `population_share`: the inhabitants of those members / the inhabitants of all members (each
  member's latest figure; members without a figure count as 0 in both);
- the members and partners that named it.

Ranking: per criterion the mean of the steering group members' scores (0-5), the total is the
sum of weight x mean; ranked by total, then member share, then population share, then code.
Themes nobody scored have no total and come after the scored ones, in tally order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class MemberFigure:
    area_id: int
    name: str
    inhabitants: int  # 0 when unknown


@dataclass(frozen=True)
class TallyInput:
    theme_code: str
    area_id: int | None = None  # a member's input
    partner: str | None = None  # a partner's input (its name)


@dataclass
class TallyRow:
    theme_code: str
    member_names: list[str]
    partner_names: list[str]
    member_count: int
    member_share: Decimal  # 0..1
    inhabitants: int
    population_share: Decimal  # 0..1

    @property
    def member_pct(self) -> Decimal:
        return _pct(self.member_share)

    @property
    def population_pct(self) -> Decimal:
        return _pct(self.population_share)


def _pct(share: Decimal) -> Decimal:
    return (share * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _share(part: int, whole: int) -> Decimal:
    return Decimal(part) / Decimal(whole) if whole else Decimal(0)


def tally(*, members: Sequence[MemberFigure], inputs: Iterable[TallyInput]) -> list[TallyRow]:
    """One row per theme that has any input, most members first (then population, then code)."""
    by_id = {m.area_id: m for m in members}
    total_inhabitants = sum(m.inhabitants for m in members)
    member_ids: dict[str, set[int]] = {}
    partners: dict[str, set[str]] = {}
    for item in inputs:
        member_ids.setdefault(item.theme_code, set())
        partners.setdefault(item.theme_code, set())
        if item.area_id is not None and item.area_id in by_id:
            member_ids[item.theme_code].add(item.area_id)
        elif item.partner:
            partners[item.theme_code].add(item.partner)
    rows = []
    for code, ids in member_ids.items():
        inhabitants = sum(by_id[i].inhabitants for i in ids)
        rows.append(
            TallyRow(
                theme_code=code,
                member_names=sorted(by_id[i].name for i in ids),
                partner_names=sorted(partners[code]),
                member_count=len(ids),
                member_share=_share(len(ids), len(members)),
                inhabitants=inhabitants,
                population_share=_share(inhabitants, total_inhabitants),
            )
        )
    rows.sort(key=lambda r: (-r.member_count, -r.inhabitants, r.theme_code))
    return rows


@dataclass(frozen=True)
class CriterionWeight:
    code: str
    weight: int


@dataclass(frozen=True)
class Score:
    theme_code: str
    criterion_code: str
    scorer: str
    score: int


@dataclass
class RankedTheme:
    rank: int
    tally: TallyRow
    criterion_means: dict[str, Decimal] = field(default_factory=dict)
    total: Decimal | None = None
    scorer_count: int = 0


def _mean(values: list[int]) -> Decimal:
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rank(
    *, rows: Sequence[TallyRow], criteria: Sequence[CriterionWeight], scores: Iterable[Score]
) -> list[RankedTheme]:
    by_theme: dict[str, dict[str, list[int]]] = {}
    scorers: dict[str, set[str]] = {}
    for s in scores:
        by_theme.setdefault(s.theme_code, {}).setdefault(s.criterion_code, []).append(s.score)
        scorers.setdefault(s.theme_code, set()).add(s.scorer)
    ranked = []
    for row in rows:
        given = by_theme.get(row.theme_code, {})
        means = {c.code: _mean(given[c.code]) for c in criteria if given.get(c.code)}
        total = (
            sum((means[c.code] * c.weight for c in criteria if c.code in means), Decimal(0))
            if means
            else None
        )
        ranked.append(
            RankedTheme(
                rank=0,
                tally=row,
                criterion_means=means,
                total=total,
                scorer_count=len(scorers.get(row.theme_code, set())),
            )
        )
    order = {row.theme_code: i for i, row in enumerate(rows)}
    ranked.sort(
        key=lambda r: (
            r.total is None,
            -(r.total or 0),
            -r.tally.member_share,
            -r.tally.population_share,
            order[r.tally.theme_code],
        )
    )
    for i, item in enumerate(ranked, start=1):
        item.rank = i
    return ranked
