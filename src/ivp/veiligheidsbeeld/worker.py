"""Entry points of the batch's worker processes. Kept free of Django imports at module level:
a spawned process imports this module before Django is set up."""

from __future__ import annotations

from pathlib import Path


def setup(language: str | None) -> None:
    """Start of a worker process: Django from the environment, the caller's language."""
    import django

    django.setup()
    if language:
        from django.utils import translation

        translation.activate(language)


def write(path: Path, area_code: str, period_code: str, file_format: str, group_code: str | None) -> Path:
    from .periods import report_period_parse
    from .services import write_file

    period = report_period_parse(period_code)
    return write_file(
        path, area_code=area_code, period=period, file_format=file_format, group_code=group_code
    )
