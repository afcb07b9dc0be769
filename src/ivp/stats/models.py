from __future__ import annotations

import os
import socket
from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import Classification, RunMode, RunStatus


class CrimeType(models.Model):
    """A crime or nuisance type of one classification (politie, CBS or overlast)."""

    classification = models.CharField(_("classification"), max_length=16, choices=Classification.choices)
    code = models.CharField(_("code"), max_length=16)
    title = models.CharField(_("title"), max_length=200)
    published_title = models.CharField(
        _("published title"), max_length=220, help_text="As in the source table."
    )
    description = models.TextField(_("description"), blank=True)
    parent_code = models.CharField(_("parent code"), max_length=16, blank=True)
    is_total = models.BooleanField(_("total row"), default=False)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["classification", "sort_order"]
        verbose_name = _("crime type")
        verbose_name_plural = _("crime types")
        constraints = [
            models.UniqueConstraint(fields=["classification", "code"], name="crimetype_unique_code"),
            models.CheckConstraint(
                condition=models.Q(classification__in=Classification.values),
                name="crimetype_classification_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


def process_host() -> str:
    """The name of the machine this process runs on."""
    return socket.gethostname()[:200]


def process_id() -> int:
    return os.getpid()


def process_started(pid: int | None = None) -> int | None:
    """When a process started, in clock ticks since boot (Linux `/proc/<pid>/stat`), to tell a
    process from a later one that got the same pid; None when it is not running (or unknown)."""
    try:
        stat = Path(f"/proc/{pid or os.getpid()}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    return int(fields[19]) if len(fields) > 19 and fields[19].isdigit() else None


class IngestRun(models.Model):
    """One load of a source into the statistics store: tracked from start to end.

    A run's counts and progress are updated while it runs; a finished run is history and is
    never changed again. A run records the process that runs it (host, pid and its start), so
    that a run whose process was killed is marked failed (`services.abandoned_runs_fail`)
    instead of showing "running" forever.
    """

    source_key = models.CharField(_("source"), max_length=64)
    mode = models.CharField(_("mode"), max_length=8, choices=RunMode.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    inputs = models.JSONField(_("inputs"), default=list, help_text="Files read or live tables fetched.")
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows_read = models.PositiveBigIntegerField(_("rows read"), default=0)
    rows_loaded = models.PositiveBigIntegerField(_("rows loaded"), default=0)
    rows_invalid = models.PositiveBigIntegerField(_("rows invalid"), default=0)
    progress_pct = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)
    error_report = models.JSONField(
        _("error report"), default=list, help_text="Problems as {file, row, field, message}."
    )
    store_version = models.CharField(_("store version"), max_length=64, blank=True)
    host = models.CharField(_("host"), max_length=200, blank=True, default=process_host)
    pid = models.PositiveIntegerField(_("process id"), null=True, blank=True, default=process_id)
    pid_started = models.PositiveBigIntegerField(
        _("process start"),
        null=True,
        blank=True,
        default=process_started,
        help_text="Clock ticks since boot when the process started (tells a reused pid apart).",
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("ingest run")
        verbose_name_plural = _("ingest runs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress_pct__lte=100), name="ingestrun_progress_max_100"
            ),
            models.CheckConstraint(
                condition=models.Q(status=RunStatus.RUNNING) | models.Q(finished_at__isnull=False),
                name="ingestrun_finished_has_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_key} {self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
