"""Property-based tests (hypothesis) over the importers: hundreds of malformed inputs each.

For every input the importer either accepts it completely or refuses it with its documented
error type (DataFileError) naming the file and, where it applies, the row and the field; a
refusal never writes anything: the statistics store (every file of it) and the earlier runs
stay exactly as they were, and the refused run is recorded as failed with its error report.
Figures are recorded in docs/security.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ivp.core.errors import DataFileError
from ivp.stats.constants import RunStatus
from ivp.stats.models import IngestRun
from ivp.stats.selectors import store_status
from ivp.stats.services import source_load

EXPORT = Path(__file__).resolve().parents[2] / "stats" / "tests" / "fixtures" / "47013NED_export.csv"
LINES = EXPORT.read_text(encoding="utf-8").splitlines()
HEADER = LINES[0].split(";")
EXAMPLES = int(os.environ.get("IVP_FUZZ_EXAMPLES", "200"))
pytestmark = pytest.mark.django_db

NASTY_CELLS = st.one_of(
    st.sampled_from([
        "", '""', '"', "NULL", "-1", "-0", "1e9", "99999999999999999999", "3.5", "1,5", "NaN", "inf",
        "0x1F", " 41 ", '"41', "41\"", "GM9999", "GM1641;GM0363", "2023MM13", "2023MM00", "2023KW05",
        "2023JJ01", "1899MM01", "9999MM01", "20231", "9.9.9", "0.0.0.0", "\u00a0", "é", "\u202e", "\x00",  # noqa: S104 - a crime code shape, not an address
        "'; DROP TABLE x; --", "${jndi:x}", "=cmd|' /C calc'!A0",
    ]),
    st.text(max_size=12),
)  # fmt: skip


@st.composite
def malformed_exports(draw: st.DrawFn) -> tuple[bytes, str]:
    """The real export with one or more mutations; returns the bytes and what was done."""
    rows = [line.split(";") for line in LINES]
    done = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(["cell", "cell", "cell", "drop_column", "short_row", "long_row",
                                     "duplicate_row", "header_cell", "drop_rows", "binary"]))  # fmt: skip
        r = draw(st.integers(min_value=1, max_value=len(rows) - 1)) if len(rows) > 1 else 0
        if kind == "cell" and len(rows) > 1:
            c = draw(st.integers(min_value=1, max_value=len(HEADER) - 1))
            if c < len(rows[r]):
                rows[r][c] = draw(NASTY_CELLS).replace("\n", " ").replace("\r", " ")
        elif kind == "drop_column" and rows and rows[0]:
            c = draw(st.integers(min_value=0, max_value=len(rows[0]) - 1))
            rows = [row[:c] + row[c + 1 :] for row in rows]
        elif kind == "short_row" and len(rows) > 1:
            rows[r] = rows[r][: draw(st.integers(min_value=0, max_value=max(0, len(rows[r]) - 1)))]
        elif kind == "long_row" and len(rows) > 1:
            rows[r] = [*rows[r], '"extra"']
        elif kind == "duplicate_row" and len(rows) > 1:
            rows.insert(r, list(rows[r]))
        elif kind == "header_cell" and rows and rows[0]:
            c = draw(st.integers(min_value=0, max_value=len(rows[0]) - 1))
            rows[0][c] = draw(st.sampled_from(['"Perioden"', '"perioden"', '""', '"RegioS "', '"X"']))
        elif kind == "drop_rows":
            rows = rows[: draw(st.integers(min_value=0, max_value=len(rows)))]
        done.append(kind)
    text = "\n".join(";".join(row) for row in rows) + "\n"
    data = text.encode("utf-8", errors="surrogatepass") if "binary" not in done else text.encode()
    if "binary" in done:
        at = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    return data, "+".join(done)


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def loaded(tmp_path: Path, settings: Any) -> dict[str, Any]:
    settings.VAR_DIR = tmp_path / "var"
    first = source_load(source_key="politie_47013", files=[EXPORT])
    return {"root": settings.VAR_DIR / "stats", "run": first}


@pytest.fixture
def fresh_example(loaded: dict[str, Any], tmp_path: Path) -> Any:
    """Each example (and each replay of one) starts from the state the fixture made.

    Hypothesis runs the fixture once for all examples, so without this an accepted load would
    leave a new store version and its run behind for the next examples, whose outcome could then
    depend on the order of the examples (and a database error on PostgreSQL would abort the test's
    transaction for every later example): "Inconsistent results from replaying a test case".
    Every example gets its own copy of the loaded store and runs in a savepoint rolled back after it.
    """
    pristine: Path = loaded["root"]
    counter = itertools.count()

    @contextlib.contextmanager
    def example() -> Iterator[Path]:
        var = tmp_path / "examples" / str(next(counter))  # never reused: no reader cache mixes them up
        shutil.copytree(pristine, var / "stats")
        try:
            with override_settings(VAR_DIR=var), transaction.atomic():
                yield var / "stats"
                transaction.set_rollback(True)
        finally:
            shutil.rmtree(var)

    return example


@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(case=malformed_exports())
def test_the_statistics_importer_refuses_bad_exports_cleanly(
    fresh_example: Any, tmp_path: Path, case: tuple[bytes, str]
) -> None:
    data, mutations = case
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    with fresh_example() as root:
        _load_and_check(root, path, mutations)


def _load_and_check(root: Path, path: Path, mutations: str) -> None:
    before_tree, before_status = _tree_digest(root), store_status()
    earlier = {r.pk: (r.status, r.rows_loaded, r.store_version) for r in IngestRun.objects.all()}
    assert earlier  # the fixture's load (other apps' session fixtures may have left theirs)
    try:
        run = source_load(source_key="politie_47013", files=[path])
    except DataFileError as exc:
        assert exc.problems, mutations
        for problem in exc.problems:
            assert problem.path == "export.csv", (mutations, problem)
            assert problem.message.strip(), (mutations, problem)
        assert _tree_digest(root) == before_tree, f"a refused load ({mutations}) changed the store"
        assert store_status() == before_status
        failed = IngestRun.objects.exclude(pk__in=earlier).get()
        assert failed.status == RunStatus.FAILED and len(failed.error_report) == len(exc.problems)
        assert all(p["file"] == "export.csv" for p in failed.error_report)
    else:
        assert run.status == RunStatus.SUCCEEDED  # accepted: a new complete version
        assert store_status()["sources"]["politie_47013"]
    now = {r.pk: (r.status, r.rows_loaded, r.store_version) for r in IngestRun.objects.filter(pk__in=earlier)}
    assert now == earlier, "an earlier run was changed"
    assert not IngestRun.objects.filter(status=RunStatus.RUNNING).exists()


def test_a_refusal_names_the_row_and_the_field_of_a_bad_cell(loaded: dict[str, Any], tmp_path: Path) -> None:
    rows = [line.split(";") for line in LINES]
    rows[5][4] = '"veel"'
    path = tmp_path / "export.csv"
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        source_load(source_key="politie_47013", files=[path])
    assert [(p.path, p.row, p.field) for p in caught.value.problems] == [
        ("export.csv", 6, "GeregistreerdeMisdrijven_1")
    ]


def test_invalid_utf8_is_refused_as_a_data_file_error(loaded: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(EXPORT.read_bytes().replace(b"GM1641", b"GM\x8041", 1))
    with pytest.raises(DataFileError):
        source_load(source_key="politie_47013", files=[path])


def test_an_export_without_rows_is_refused_naming_the_file(loaded: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(LINES[0] + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        source_load(source_key="politie_47013", files=[path])
    assert [p.path for p in caught.value.problems] == ["export.csv"]


def test_a_nul_byte_in_a_cell_is_refused_as_a_data_file_error(loaded: dict[str, Any], tmp_path: Path) -> None:
    rows = [line.split(";") for line in LINES]
    rows[2][5] = "\x00"
    path = tmp_path / "export.csv"
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        source_load(source_key="politie_47013", files=[path])
    assert [(p.path, p.row, p.field) for p in caught.value.problems] == [("export.csv", 3, "Aangiften_2")]
    assert IngestRun.objects.filter(status=RunStatus.FAILED).count() == 1


# --- the plan file (YAML) importer ----------------------------------------------------------

PLAN_FILE = Path(__file__).resolve().parents[4] / "data" / "ivp" / "plans" / "maasgouw-2024-2027.yaml"
PLAN_LINES = PLAN_FILE.read_text(encoding="utf-8").splitlines()
NASTY_SCALARS = st.one_of(
    st.sampled_from([
        "", "~", "null", "[]", "{}", "*alias", "&anchor x", "!!python/object/apply:os.system ['true']",
        "-1", "1e400", "2024-13-45", "GM9999", "Amsterdam", "yes", "'unterminated", '"\\x"', "- a", ": b",
        "9" * 40, "\t", "é" * 300, "{{ x }}",
    ]),
    st.text(max_size=10),
)  # fmt: skip


@st.composite
def malformed_plan_files(draw: st.DrawFn) -> tuple[bytes, str]:
    lines = list(PLAN_LINES)
    done = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(
            st.sampled_from(["value", "value", "delete", "duplicate", "indent", "truncate", "binary"])
        )
        i = draw(st.integers(min_value=0, max_value=max(0, len(lines) - 1)))
        if not lines:
            break
        if kind == "value" and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {draw(NASTY_SCALARS)}".replace("\n", " ")
        elif kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "indent":
            lines[i] = " " * draw(st.integers(min_value=1, max_value=3)) + lines[i]
        elif kind == "truncate":
            lines = lines[:i]
        done.append(kind)
    data = ("\n".join(lines) + "\n").encode("utf-8", errors="surrogatepass")
    if "binary" in done:
        at = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return data, "+".join(done)


def _plan_counts() -> tuple[int, ...]:
    from ivp.plans.models import Indicator, IndicatorValue, Plan, PlanRevision, Theme

    return tuple(m.objects.count() for m in (Plan, Theme, Indicator, IndicatorValue, PlanRevision))


@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(case=malformed_plan_files())
def test_the_plan_importer_refuses_bad_plan_files_cleanly(case: tuple[bytes, str]) -> None:
    from ivp.plans.importing import plan_import
    from ivp.plans.models import Plan

    data, mutations = case
    before = _plan_counts()
    try:
        result = plan_import(content=data, name="plan.yaml")
    except DataFileError as exc:
        assert exc.problems, mutations
        for problem in exc.problems:
            assert problem.path == "plan.yaml", (mutations, problem)
            assert problem.message.strip(), (mutations, problem)
        assert _plan_counts() == before, f"a refused import ({mutations}) wrote to the database"
    else:
        plan = Plan.objects.get(pk=result.plan.pk)
        assert plan.revisions.exists()  # complete: stored with its revision
        Plan.objects.filter(pk=plan.pk).delete()


def test_a_null_baseline_year_is_refused_as_a_data_file_error() -> None:
    """Found by the fuzzing (defect 3, fixed): once an IntegrityError from the database."""
    from ivp.plans.importing import plan_import

    text = PLAN_FILE.read_text(encoding="utf-8").replace(
        "    value: 41\n    year: 2022", "    value: 41\n    year: ~", 1
    )
    assert "year: ~" in text
    before = _plan_counts()
    with pytest.raises(DataFileError) as caught:
        plan_import(content=text.encode(), name="plan.yaml")
    assert any(p.field and p.field.endswith("baseline.year") for p in caught.value.problems)
    assert _plan_counts() == before


def test_an_impossible_date_is_refused_as_a_data_file_error() -> None:
    """Found by the fuzzing (defect 4, fixed): once a ValueError from YAML's date constructor."""
    from ivp.plans.importing import plan_import

    text = PLAN_FILE.read_text(encoding="utf-8").replace(
        "  title: Integraal", "  title: 2024-13-45\n  x_title: Integraal", 1
    )
    assert "2024-13-45" in text
    with pytest.raises(DataFileError) as caught:
        plan_import(content=text.encode(), name="plan.yaml")
    assert "plan.title" in [p.field for p in caught.value.problems]
