"""Writes on the yearly council report: narratives, explanations, finalising and reopening.

Who: the plan's editors (`ivp.plans.access.require_plan_change`); viewers only read.
Optimistic locking as in the plan editor: each text carries the `version` its form was opened
with (0 for a text not written yet); a stale save raises `EditConflict` and writes nothing.
A final report is frozen: texts cannot be changed until it is reopened, and reopening never
changes the final edition; finalising again appends the next edition.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ivp.accounts.access import AnyUser
from ivp.accounts.models import User
from ivp.core.errors import ValidationFailed
from ivp.plans.access import require_plan_change
from ivp.plans.models import Indicator, Plan, Theme
from ivp.plans.services import EditConflict

from .constants import ReportStatus, SectionKind
from .models import AnnualReport, IndicatorExplanation, ReportEdition, ReportSection
from .selectors import off_track_without_explanation, report_content, report_year_check


def _user(actor: AnyUser) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def annual_report_get_or_create(*, actor: AnyUser, plan: Plan, year: int) -> AnnualReport:
    """The working copy of the report for `year` (a draft when it is new)."""
    require_plan_change(user=actor, plan=plan)
    report_year_check(plan, year)
    report, _created = AnnualReport.objects.get_or_create(plan=plan, year=year)
    return report


def _require_draft(report: AnnualReport) -> None:
    if report.status != ReportStatus.DRAFT:
        raise ValidationFailed(
            [
                _("The report for %(year)s is final and cannot be changed. Reopen it to make a new draft.")
                % {"year": report.year}
            ]
        )


def _save_text(
    model: Any, lookup: dict[str, Any], *, actor: AnyUser, text: str, expected_version: int
) -> Any:
    """Create (expected version 0) or update a text, refusing a stale form."""
    if expected_version == 0:
        try:
            with transaction.atomic():
                return model.objects.create(**lookup, text=text, updated_by=_user(actor))
        except IntegrityError:
            pass  # someone else wrote it first: a conflict, below
    else:
        claimed = model.objects.filter(**lookup, version=expected_version).update(
            text=text, version=F("version") + 1, updated_by=_user(actor), updated_at=timezone.now()
        )
        if claimed:
            return model.objects.get(**lookup)
    raise EditConflict(
        _(
            "Someone else saved this text after you opened it. Your text was not saved: reload the page "
            "to see their version and make your changes again."
        )
    )


@transaction.atomic
def report_section_save(
    *,
    actor: AnyUser,
    plan: Plan,
    year: int,
    kind: SectionKind | str,
    text: str,
    expected_version: int,
    theme: Theme | None = None,
) -> ReportSection:
    """Save the narrative of a section (for `priority`, of the given priority theme)."""
    report = annual_report_get_or_create(actor=actor, plan=plan, year=year)
    _require_draft(report)
    kind = SectionKind(kind)
    if (kind == SectionKind.PRIORITY) != (theme is not None):
        raise ValidationFailed([_("A priority's text belongs to one priority; other sections have none.")])
    if theme is not None and (theme.plan_id != plan.pk or not theme.is_priority):
        raise ValidationFailed([_("“%(theme)s” is not a priority of this plan.") % {"theme": theme}])
    lookup: dict[str, Any] = {"report": report, "kind": kind, "theme": theme}
    section: ReportSection = _save_text(
        ReportSection, lookup, actor=actor, text=text.strip(), expected_version=expected_version
    )
    return section


@transaction.atomic
def explanation_save(
    *, actor: AnyUser, plan: Plan, year: int, indicator: Indicator, text: str, expected_version: int
) -> IndicatorExplanation:
    """Save the explanation of an indicator (why it is off track and what is done about it)."""
    report = annual_report_get_or_create(actor=actor, plan=plan, year=year)
    _require_draft(report)
    if indicator.plan_id != plan.pk:
        raise ValidationFailed(
            [_("“%(indicator)s” is not an indicator of this plan.") % {"indicator": indicator}]
        )
    explanation: IndicatorExplanation = _save_text(
        IndicatorExplanation,
        {"report": report, "indicator": indicator},
        actor=actor,
        text=text.strip(),
        expected_version=expected_version,
    )
    return explanation


def _claim(report: AnnualReport, expected_version: int) -> None:
    if not AnnualReport.objects.filter(pk=report.pk, version=expected_version).update(
        version=F("version") + 1
    ):
        raise EditConflict(
            _("Someone else finalised or reopened this report after you opened it; nothing was changed.")
        )


@transaction.atomic
def annual_report_finalise(*, actor: AnyUser, plan: Plan, year: int, expected_version: int) -> ReportEdition:
    """Freeze the report: append an edition with everything it shows now (figures, statuses and
    texts). Refused while an off-track indicator has no explanation. `expected_version` 0 stands
    for a report not started yet (as the API lists it): it is then started at version 1."""
    if expected_version == 0 and not AnnualReport.objects.filter(plan=plan, year=year).exists():
        expected_version = 1
    report = annual_report_get_or_create(actor=actor, plan=plan, year=year)
    _require_draft(report)
    content = report_content(plan=plan, year=year, report=report)  # words in the active language
    missing = off_track_without_explanation(content)
    if missing:
        raise ValidationFailed(
            [
                _(
                    "The report cannot be finalised: explain first why these indicators are off track: "
                    "%(list)s."
                )
                % {"list": "; ".join(f"{i['code']} {i['name']}" for i in missing)}
            ]
        )
    _claim(report, expected_version)
    report.refresh_from_db()
    user = _user(actor)
    now = timezone.now()
    number = report.edition + 1
    content["report"] = {
        "status": ReportStatus.FINAL.value,
        "edition": number,
        "finalised_at": now.isoformat(timespec="seconds"),
        "finalised_by": "" if user is None else str(user.get_full_name() or user.get_username()),
    }
    edition = ReportEdition.objects.create(
        report=report,
        number=number,
        finalised_by=user,
        finalised_by_name=content["report"]["finalised_by"],
        content=content,
    )
    AnnualReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.FINAL, edition=number, finalised_at=now, finalised_by=user
    )
    return edition


@transaction.atomic
def annual_report_reopen(*, actor: AnyUser, plan: Plan, year: int, expected_version: int) -> AnnualReport:
    """Make a new draft from a final report. The final edition stays as it was."""
    report = annual_report_get_or_create(actor=actor, plan=plan, year=year)
    if report.status != ReportStatus.FINAL:
        raise ValidationFailed([_("The report for %(year)s is already a draft.") % {"year": year}])
    _claim(report, expected_version)
    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.DRAFT)
    report.refresh_from_db()
    return report
