"""The decision memo (besluitnotitie) of a round: the whole chain from the members' inputs to the
chosen priorities, as one template for the page and the PDF (ivp.core.pdf)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ivp.core.pdf import render_pdf

from .models import ConceptPriority, ConsultationPosition, PriorityInput, PriorityRound, SteeringAdjustment
from .selectors import RankedRow, RoundView, round_view

MEMO_TEMPLATE = "networks/memo.html"


@dataclass
class MemoPriority:
    concept: ConceptPriority
    row: RankedRow | None
    member_inputs: list[PriorityInput]
    partner_inputs: list[PriorityInput]
    positions: list[ConsultationPosition]
    adjustments: list[SteeringAdjustment]


@dataclass
class Memo:
    view: RoundView
    priorities: list[MemoPriority]
    not_selected: list[RankedRow]
    general_adjustments: list[SteeringAdjustment]


def decision_memo(*, round: PriorityRound) -> Memo:
    view = round_view(round=round)
    rows = {r.theme.pk: r for r in view.ranking}
    inputs = [i for m in view.members for i in m.inputs] + view.partner_inputs
    adjustments = list(round.adjustments.select_related("concept"))
    priorities = [
        MemoPriority(
            concept=concept,
            row=rows.get(concept.theme_id),
            member_inputs=[i for i in inputs if i.theme_id == concept.theme_id and i.area_id is not None],
            partner_inputs=[i for i in inputs if i.theme_id == concept.theme_id and i.partner_id is not None],
            positions=sorted(concept.positions.all(), key=lambda p: p.meeting.district),
            adjustments=[a for a in adjustments if a.concept_id == concept.pk],
        )
        for concept in view.concepts
    ]
    chosen = {c.theme_id for c in view.concepts}
    return Memo(
        view=view,
        priorities=priorities,
        not_selected=[r for r in view.ranking if r.theme.pk not in chosen],
        general_adjustments=[a for a in adjustments if a.concept_id is None],
    )


def memo_context(*, round: PriorityRound) -> dict[str, Any]:
    memo = decision_memo(round=round)
    return {"memo": memo, "view": memo.view, "round": round, "network": round.network}


def memo_pdf(*, round: PriorityRound) -> bytes:
    return render_pdf(MEMO_TEMPLATE, memo_context(round=round))
