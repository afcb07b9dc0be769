"""The tally and ranking arithmetic with known numbers."""

from __future__ import annotations

from decimal import Decimal

from ivp.networks.tally import CriterionWeight, MemberFigure, Score, TallyInput, rank, tally

MEMBERS = [
    MemberFigure(1, "A", 100),
    MemberFigure(2, "B", 200),
    MemberFigure(3, "C", 300),
    MemberFigure(4, "D", 400),
]


def test_shares_of_members_and_of_population_per_theme() -> None:
    rows = tally(
        members=MEMBERS,
        inputs=[
            TallyInput("5.2", area_id=1), TallyInput("5.2", area_id=2), TallyInput("5.2", area_id=2),  # B twice: once
            TallyInput("5.3", area_id=4), TallyInput("5.2", partner="RIEC"), TallyInput("1.4", partner="OM"),
            TallyInput("5.3", area_id=99),  # not a member: ignored
        ],
    )  # fmt: skip
    by_code = {r.theme_code: r for r in rows}
    assert by_code["5.2"].member_count == 2
    assert by_code["5.2"].member_share == Decimal("0.5")
    assert by_code["5.2"].inhabitants == 300 and by_code["5.2"].population_share == Decimal("0.3")
    assert by_code["5.2"].member_names == ["A", "B"] and by_code["5.2"].partner_names == ["RIEC"]
    assert by_code["5.3"].member_pct == Decimal("25.0") and by_code["5.3"].population_pct == Decimal("40.0")
    assert by_code["1.4"].member_count == 0 and by_code["1.4"].partner_names == ["OM"]
    assert [r.theme_code for r in rows] == ["5.2", "5.3", "1.4"]  # most members, then inhabitants


def test_one_third_is_rounded_half_up_to_one_decimal() -> None:
    rows = tally(members=MEMBERS[:3], inputs=[TallyInput("x", area_id=1)])
    assert rows[0].member_pct == Decimal("33.3")
    assert rows[0].population_pct == Decimal("16.7")  # 100 / 600


def test_ranking_by_weighted_mean_scores_then_member_share() -> None:
    rows = tally(
        members=MEMBERS,
        inputs=[TallyInput("a", area_id=1), TallyInput("b", area_id=1), TallyInput("b", area_id=2),
                TallyInput("c", area_id=3), TallyInput("d", area_id=4)],
    )  # fmt: skip
    criteria = [CriterionWeight("urgent", 2), CriterionWeight("regional", 1)]
    scores = [
        Score("a", "urgent", "s1", 5), Score("a", "urgent", "s2", 4), Score("a", "regional", "s1", 3),
        Score("b", "urgent", "s1", 3), Score("b", "regional", "s1", 5),
        Score("c", "urgent", "s1", 3), Score("c", "regional", "s1", 5),
    ]  # fmt: skip
    ranked = rank(rows=rows, criteria=criteria, scores=scores)
    assert [(r.tally.theme_code, r.total) for r in ranked] == [
        ("a", Decimal("12.00")),  # 2 x 4.5 + 1 x 3
        ("b", Decimal("11")),  # 2 x 3 + 5; ties with c, more members
        ("c", Decimal("11")),
        ("d", None),  # not scored: last
    ]
    assert [r.rank for r in ranked] == [1, 2, 3, 4]
    assert ranked[0].scorer_count == 2 and ranked[0].criterion_means == {
        "urgent": Decimal("4.50"),
        "regional": Decimal("3.00"),
    }
