"""Writes: the veiligheidsbeeld as a file (PDF or standalone HTML), one or a region's worth."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

from ivp.areas.selectors import area_get, municipality_list
from ivp.core.errors import ValidationFailed

from . import worker
from .periods import ReportPeriod
from .report import veiligheidsbeeld_html, veiligheidsbeeld_pdf
from .selectors import veiligheidsbeeld_get

FORMATS = ("pdf", "html")


def write_file(
    path: Path, *, area_code: str, period: ReportPeriod, file_format: str, group_code: str | None
) -> Path:
    picture = veiligheidsbeeld_get(area_code=area_code, period=period, group_code=group_code)
    if file_format == "pdf":
        path.write_bytes(veiligheidsbeeld_pdf(picture))
    else:
        path.write_text(veiligheidsbeeld_html(picture, for_pdf=True, standalone=True), encoding="utf-8")
    return path


def veiligheidsbeeld_write(
    *, area_code: str, period: ReportPeriod, out: Path | None = None, group_code: str | None = None
) -> Path:
    """Write one municipality's veiligheidsbeeld; the type follows the file's suffix (.pdf or
    .html). Without `out`: `veiligheidsbeeld-<code>-<period>.pdf` in the current folder."""
    area = area_get(code_or_name=area_code)
    if out is None:
        out = Path(f"veiligheidsbeeld-{area.code}-{period.code}.pdf")
    file_format = out.suffix.lower().lstrip(".")
    if file_format not in FORMATS:
        raise ValidationFailed(
            [_("The output file must end in .pdf or .html, not '%(name)s'.") % {"name": out.name}]
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    return write_file(out, area_code=area.code, period=period, file_format=file_format, group_code=group_code)


@dataclass
class BatchResult:
    paths: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    municipalities: int = 0  # in the region (the batch may be limited to fewer)


def veiligheidsbeeld_batch_write(
    *,
    region_code: str,
    period: ReportPeriod,
    folder: Path,
    file_format: str = "pdf",
    group_code: str | None = None,
    limit: int | None = None,
    workers: int = 1,
    progress: Callable[[str, int], None] | None = None,
) -> BatchResult:
    """Write the veiligheidsbeeld of every municipality of a region (NL01: all of them) into
    `folder`, one file each, named as on the web page's download. With `workers` > 1 the files
    are made by that many processes at once (the PDF rendering is CPU-bound)."""
    if file_format not in FORMATS:
        raise ValidationFailed([_("The file type must be pdf or html.")])
    region = area_get(code_or_name=region_code)
    if region.is_municipality:
        raise ValidationFailed([_("%(code)s is a municipality, not a region.") % {"code": region.code}])
    members = list(municipality_list(region=region))
    result = BatchResult(municipalities=len(members))
    chosen = members[:limit] if limit else members
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    jobs = [
        (folder / f"veiligheidsbeeld-{area.code}-{period.code}.{file_format}", area.code, area.name)
        for area in chosen
    ]
    if workers <= 1 or len(jobs) < 2:
        for number, (path, code, name) in enumerate(jobs, start=1):
            result.paths.append(
                write_file(
                    path, area_code=code, period=period, file_format=file_format, group_code=group_code
                )
            )
            if progress:
                progress(name, number * 100 // len(jobs))
    else:
        # Fresh processes (spawn, not fork: DuckDB and database connections do not survive a
        # fork); each sets up Django from the same environment and language.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=worker.setup,
                                 initargs=(translation.get_language(),)) as pool:  # fmt: skip
            futures = {
                pool.submit(worker.write, path, code, period.code, file_format, group_code): name
                for path, code, name in jobs
            }
            for number, future in enumerate(as_completed(futures), start=1):
                result.paths.append(future.result())
                if progress:
                    progress(futures[future], number * 100 // len(jobs))
        result.paths.sort()
    result.seconds = time.perf_counter() - started
    return result


__all__ = ["BatchResult", "veiligheidsbeeld_batch_write", "veiligheidsbeeld_write"]
