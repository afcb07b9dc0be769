"""Reads for the yearly council report: its content (live, or frozen in an edition) and the plan
at a glance. The content is a JSON-safe dict: a final edition stores exactly this dict, so the
page and the PDF of a final report are drawn from the snapshot, never from today's figures.

A draft is unpublished work: `report_view_for` shows it only to the plan's members
(`ivp.plans.access.plan_is_member`); everyone else who may see the plan sees its final editions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ivp.accounts.access import AnyUser
from ivp.core.errors import AccessDenied, NotFoundError
from ivp.plans.access import plan_is_member
from ivp.plans.constants import ActionStatus, PartnerKind, PlanStatus
from ivp.plans.models import Action, Plan, Theme
from ivp.plans.monitoring import IndicatorMonitoring, Status, plan_monitoring

from .constants import CONTENT_FORMAT, PLAIN_SECTIONS, ReportStatus
from .models import AnnualReport, IndicatorExplanation, ReportEdition, ReportSection


def default_year(plan: Plan, *, today: dt.date | None = None) -> int:
    """The year a report is usually about: last year, kept within the plan's period."""
    year = (today or timezone.localdate()).year - 1
    return max(plan.start_year, min(plan.end_year, year))


def report_year_check(plan: Plan, year: int) -> None:
    if not plan.start_year <= year <= plan.end_year:
        raise NotFoundError(
            _("The plan runs from %(start)s to %(end)s; there is no report for %(year)s.")
            % {"start": plan.start_year, "end": plan.end_year, "year": year}
        )


def annual_report_get(*, plan: Plan, year: int) -> AnnualReport | None:
    return AnnualReport.objects.filter(plan=plan, year=year).select_related("finalised_by").first()


def _user_name(user: Any) -> str:
    return "" if user is None else str(user.get_full_name() or user.get_username())


def _theme_dict(theme: Theme) -> dict[str, Any]:
    return {
        "id": theme.pk,
        "code": theme.code,
        "name": theme.name,
        "field_code": theme.field.code,
        "field_name": theme.field.name,
        "municipality": theme.municipality.name if theme.municipality else None,
        "problem": list(theme.problem),
        "approach_basis": list(theme.approach_basis),
        "approach_focus": list(theme.approach_focus),
        "related_policy": list(theme.related_policy),
        "goals": list(theme.goals),
        "council_input_on": theme.council_input_on.isoformat() if theme.council_input_on else None,
        "council_input": theme.council_input,
    }


def _action_dict(action: Action) -> dict[str, Any]:
    return {
        "id": action.pk,
        "title": action.title,
        "description": action.description,
        "theme_id": action.theme_id,
        "theme": str(action.theme) if action.theme else "",
        "lead_party": action.lead_party,
        "partners": action.partners,
        "timing": action.timing,
        "status": action.status,
        "status_label": str(ActionStatus(action.status).label),
    }


def _sources(indicators: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every source the report's values come from, once, with its data date."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for ind in indicators:
        for reading in ind["history"]:
            if reading["value"] is None and not reading["sources"]:
                continue
            for ref in reading["sources"]:
                key = (ref["table_id"], ref["title"])
                entry = found.setdefault(key, {**ref, "indicators": []})
                if ind["code"] not in entry["indicators"]:
                    entry["indicators"].append(ind["code"])
                if (ref["data_date"] or "") > (entry["data_date"] or ""):
                    entry["data_date"] = ref["data_date"]
    return sorted(found.values(), key=lambda s: (not s["table_id"], s["table_id"], s["title"]))


def report_content(*, plan: Plan, year: int, report: AnnualReport | None = None) -> dict[str, Any]:
    """Everything the report for `year` shows, computed from the plan and its monitoring now."""
    report_year_check(plan, year)
    report = report if report is not None else annual_report_get(plan=plan, year=year)
    sections = (
        {s.kind: s for s in ReportSection.objects.filter(report=report, theme__isnull=True)} if report else {}
    )
    priority_texts = (
        {s.theme_id: s for s in ReportSection.objects.filter(report=report, theme__isnull=False)}
        if report
        else {}
    )
    explanations = (
        {e.indicator_id: e for e in IndicatorExplanation.objects.filter(report=report)} if report else {}
    )
    monitoring: list[IndicatorMonitoring] = plan_monitoring(plan=plan, year=year)
    indicators = []
    for item in monitoring:
        data = item.as_dict(plan_end_year=plan.end_year)
        theme = item.indicator.theme
        explanation = explanations.get(item.indicator.pk)
        data |= {
            "theme_code": theme.code if theme else "",
            "theme_name": theme.name if theme else "",
            "explanation": explanation.text if explanation else "",
            "explanation_version": explanation.version if explanation else 0,
        }
        indicators.append(data)
    actions = [_action_dict(a) for a in plan.actions.filter(year=year).select_related("theme")]
    priorities = []
    priority_themes = plan.themes.filter(is_priority=True).order_by(
        "field__position", "field__code", "position", "code"
    )
    for theme in priority_themes.select_related("field", "municipality"):
        section = priority_texts.get(theme.pk)
        priorities.append(
            _theme_dict(theme)
            | {
                "narrative": section.text if section else "",
                "narrative_version": section.version if section else 0,
                "actions": [a for a in actions if a["theme_id"] == theme.pk],
                "indicator_codes": [i["code"] for i in indicators if i["theme_id"] == theme.pk],
            }
        )
    readings = [i["reading"] for i in indicators]
    counts = {s: sum(1 for i in indicators if i["status"] == s) for s in Status}
    return {
        "format": CONTENT_FORMAT,
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "computed_at": timezone.now().isoformat(timespec="seconds"),
        "year": year,
        "plan": {
            "id": plan.pk,
            "title": plan.title,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "status": plan.status,
            "status_label": str(PlanStatus(plan.status).label),
            "adopted_on": plan.adopted_on.isoformat() if plan.adopted_on else None,
            "adopted_by": plan.adopted_by,
            "organisation": plan.organisation.name,
            "municipalities": list(
                plan.plan_municipalities.order_by("position", "area__name").values_list(
                    "area__name", flat=True
                )
            ),
            "vision": plan.vision,
            "revision": plan.revision,
        },
        "narratives": {
            str(kind): {
                "text": sections[kind].text if kind in sections else "",
                "version": sections[kind].version if kind in sections else 0,
            }
            for kind in PLAIN_SECTIONS
        },
        "priorities": priorities,
        "indicators": indicators,
        "status_counts": {str(k): v for k, v in counts.items()},
        "actions": actions,
        "action_counts": [
            {"status": s.value, "label": str(s.label), "count": sum(1 for a in actions if a["status"] == s)}
            for s in ActionStatus
        ],
        "partners": [
            {"name": p.name, "kind": p.kind, "kind_label": str(PartnerKind(p.kind).label), "role": p.role}
            for p in plan.partners.all()
        ],
        "sources": _sources(indicators),
        "has_demo": any(r["is_demo"] for i in indicators for r in i["history"]),
        "has_provisional": any(r["is_provisional"] for r in readings),
        "has_incomplete": any(r["is_incomplete"] for r in readings),
    }


def off_track_without_explanation(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        i for i in content["indicators"] if i["status"] == Status.OFF_TRACK and not i["explanation"].strip()
    ]


@dataclass
class ReportView:
    """What a report page shows: the content, and whether it is a frozen edition."""

    plan: Plan
    year: int
    report: AnnualReport | None
    content: dict[str, Any]
    edition: ReportEdition | None  # set when the content is a final edition's snapshot
    editions: list[ReportEdition]

    @property
    def is_frozen(self) -> bool:
        return self.edition is not None

    @property
    def is_draft(self) -> bool:
        return self.report is None or self.report.status == ReportStatus.DRAFT


def report_view(*, plan: Plan, year: int, edition: int | None = None) -> ReportView:
    """The report as the council sees it: a final report (or the edition asked for) from its
    snapshot; a draft computed now."""
    report_year_check(plan, year)
    report = annual_report_get(plan=plan, year=year)
    editions = (
        list(ReportEdition.objects.filter(report=report).select_related("finalised_by")) if report else []
    )
    chosen: ReportEdition | None = None
    if edition is not None:
        chosen = next((e for e in editions if e.number == edition), None)
        if chosen is None:
            raise NotFoundError(_("There is no edition %(number)s of this report.") % {"number": edition})
    elif report is not None and report.status == ReportStatus.FINAL:
        chosen = editions[0]
    content = chosen.content if chosen else report_content(plan=plan, year=year, report=report)
    return ReportView(plan=plan, year=year, report=report, content=content, edition=chosen, editions=editions)


class DraftHidden(AccessDenied):
    """A draft report asked for by someone outside the plan's organisations."""


def report_drafts_visible(*, user: AnyUser, plan: Plan) -> bool:
    """May the user see the plan's draft reports? Its members and superusers may."""
    return plan_is_member(user=user, plan=plan)


def report_view_for(*, user: AnyUser, plan: Plan, year: int, edition: int | None = None) -> ReportView:
    """`report_view` as the user may see it. The plan's members see the draft (live); others see
    the latest final edition (also while a reopened report is a draft again), and get
    DraftHidden for a report that was never finalised. An edition asked for is seen by all."""
    if edition is not None or report_drafts_visible(user=user, plan=plan):
        return report_view(plan=plan, year=year, edition=edition)
    report_year_check(plan, year)
    report = annual_report_get(plan=plan, year=year)
    if report is None or report.edition == 0:
        raise DraftHidden(
            _(
                "The annual report for %(year)s is not final yet. Its draft is shown only to the "
                "members of the plan's organisations."
            )
            % {"year": year}
        )
    return report_view(plan=plan, year=year, edition=report.edition)


def report_default_year_for(*, user: AnyUser, plan: Plan, today: dt.date | None = None) -> int:
    """The year to open first: `default_year` for those who see drafts; for others the latest
    year up to it with a final edition (else the earliest later one; else `default_year`)."""
    year = default_year(plan, today=today)
    if report_drafts_visible(user=user, plan=plan):
        return year
    finished = sorted(AnnualReport.objects.filter(plan=plan, edition__gte=1).values_list("year", flat=True))
    earlier = [y for y in finished if y <= year]
    return earlier[-1] if earlier else (finished[0] if finished else year)


def glance_content(*, plan: Plan, year: int) -> dict[str, Any]:
    """The plan at a glance: fields -> priorities -> goals -> key indicators with their status."""
    report_year_check(plan, year)
    by_theme: dict[int | None, list[IndicatorMonitoring]] = {}
    for item in plan_monitoring(plan=plan, year=year):
        by_theme.setdefault(item.indicator.theme_id, []).append(item)
    fields = []
    for field in plan.fields.all():
        themes = [t for t in plan.themes.filter(field=field).select_related("municipality")]
        priorities = [
            {
                "code": t.code,
                "name": t.name,
                "municipality": t.municipality.name if t.municipality else None,
                "goals": list(t.goals),
                "indicators": [m.as_dict(plan_end_year=plan.end_year) for m in by_theme.get(t.pk, [])],
            }
            for t in themes
            if t.is_priority
        ]
        fields.append(
            {
                "code": field.code,
                "name": field.name,
                "priorities": priorities,
                "other_themes": [t.name for t in themes if not t.is_priority],
            }
        )
    all_indicators = [i for items in by_theme.values() for i in items]
    return {
        "year": year,
        "plan": {
            "id": plan.pk,
            "title": plan.title,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "vision": plan.vision,
            "status_label": str(PlanStatus(plan.status).label),
            "municipalities": list(plan.plan_municipalities.values_list("area__name", flat=True)),
        },
        "fields": fields,
        "has_demo": any(i.reading.is_demo for i in all_indicators),
    }
