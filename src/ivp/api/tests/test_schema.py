"""The OpenAPI contract: the committed schema is the code's, and the API keeps to it under fuzzing.

The fuzz test runs schemathesis in-process against the WSGI application, over every operation
of the schema the application serves, signed in as an editor. Half of the generated cases
address real objects (the plan, a theme, an indicator, GM1641 and its veiligheidsbeeld) instead of random ids, so that
writes reach the services. It fails on any server error (5xx) and on any reply that breaks the
schema. Its figures are in docs/security.md ("API fuzzing").
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import yaml
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ivp.api.schema import schema_yaml
from ivp.api.serializers import CrimeTypeSerializer, IndicatorSerializer
from ivp.api.services import token_create
from ivp.funding.services import scheme_save
from ivp.networks.services_rounds import round_create
from ivp.networks.tests.factories import network_world
from ivp.plans.constants import Direction, IndicatorSource, IndicatorUnit
from ivp.plans.models import Action, Indicator, Partner, PortfolioHolder
from ivp.plans.services import item_create
from ivp.plans.tests.factories import PlanWorld
from ivp.stats.store import StatsStore

pytestmark = pytest.mark.django_db

COMMITTED = Path(__file__).resolve().parents[4] / "docs" / "openapi.yaml"
EXAMPLES_PER_OPERATION = 40
# Left out: "a schema-valid request is accepted". Some parameters must name things that exist
# (an area, a crime type) or meet rules across fields (a target needs a baseline year, a range
# must hold a whole period, at most MAX_FIGURE_ROWS rows); such requests are refused with 400 by
# design. Every other check runs, including that schema-invalid requests are refused.
EXCLUDED_CHECKS = [schemathesis.checks.positive_data_acceptance]


def test_the_committed_openapi_schema_is_the_one_the_code_generates() -> None:
    assert COMMITTED.is_file(), "docs/openapi.yaml is missing: run `ivp api schema -o docs/openapi.yaml`"
    assert COMMITTED.read_text(encoding="utf-8") == schema_yaml(), (
        "docs/openapi.yaml differs from the API's schema: run `ivp api schema -o docs/openapi.yaml` "
        "and commit the result (and describe the change in docs/api.md)"
    )


def test_a_patch_body_requires_in_the_schema_what_the_server_requires() -> None:
    """drf-spectacular would mark every field of a PATCH body optional; the server requires the
    `version` (plan items, parsed partially) or every required field (bodies parsed in full)."""
    schemas = yaml.safe_load(schema_yaml())["components"]["schemas"]
    patched = {name: body for name, body in schemas.items() if name.startswith("Patched")}
    assert patched["PatchedMilestoneUpdateRequest"]["required"] == ["status"]  # parsed in full
    versioned = [body for body in patched.values() if "version" in body["properties"]]
    assert len(versioned) >= 10 and all("version" in body["required"] for body in versioned)
    assert schemas["PatchedPlanUpdateRequest"]["required"] == ["version"]
    assert schemas["PatchedThemeUpdateRequest"]["required"] == ["version"]
    assert set(schemas["PatchedReportUpdateRequest"]["required"]) == {"version", "status"}


def test_integer_bounds_are_the_production_columns_whatever_the_database() -> None:
    """On SQLite Django allows 64 bits for every integer column; the API keeps PostgreSQL's."""
    fields = IndicatorSerializer().fields
    assert (fields["baseline_year"].min_value, fields["baseline_year"].max_value) == (0, 32767)
    sort_order = CrimeTypeSerializer().fields["sort_order"]
    assert (sort_order.min_value, sort_order.max_value) == (0, 2147483647)
    assert "9223372036854775807" not in schema_yaml()


def _real_ids(world: PlanWorld) -> dict[str, dict[str, Any]]:
    indicator = item_create(actor=world.editor, plan=world.plan, model=Indicator, data={
        "code": "I1", "name": "Rapportcijfer", "source": IndicatorSource.SURVEY, "unit": IndicatorUnit.MARK,
        "direction": Direction.UP})  # fmt: skip
    theme = world.plan.themes.first()
    assert theme is not None
    plan, editor = world.plan, world.editor
    partner = item_create(
        actor=editor, plan=plan, model=Partner, data={"name": "Politie", "kind": "external"}
    )
    holder = item_create(
        actor=editor, plan=plan, model=PortfolioHolder, data={"name": "J. Jansen", "office": "burgemeester"}
    )
    action = item_create(
        actor=editor, plan=plan, model=Action, data={"year": 2025, "title": "Actie", "lead_party": "Gemeente"}
    )
    report = {"id": plan.pk, "year": 2024}
    # A network of which the editor's municipality (Maasgouw) is a member, with a round and funding.
    limburg = network_world(region="RE10", name="Veiligheidsnetwerk Limburg (api)")
    round = round_create(actor=limburg.coordinator, network=limburg.network, title="Prioriteiten")
    scheme_save(actor=limburg.coordinator, network=limburg.network, rate_eur="0.07", population_year=2024,
                first_year=2025, last_year=2026)  # fmt: skip
    return {
        "/networks/{id}": {"id": limburg.network.pk},
        "/networks/{id}/funding": {"id": limburg.network.pk},
        "/rounds/{id}": {"id": round.pk},
        "/rounds/{id}/inputs": {"id": round.pk},
        "/areas/{code}": {"code": "GM1641"},
        "/veiligheidsbeeld/{code}": {"code": "GM1641"},
        "/plans/{id}": {"id": world.plan.pk},
        "/plans/{id}/reports": {"id": world.plan.pk},
        "/plans/{id}/reports/{year}": {"id": world.plan.pk, "year": 2024},
        "/themes/{id}": {"id": theme.pk},
        "/indicators/{id}": {"id": indicator.pk},
        **{
            f"/plans/{{id}}/{items}": {"id": plan.pk}
            for items in ("safety-fields", "themes", "partners", "portfolio-holders", "indicators", "actions")
        },
        "/safety-fields/{id}": {"id": theme.field_id},
        "/partners/{id}": {"id": partner.pk},
        "/portfolio-holders/{id}": {"id": holder.pk},
        "/actions/{id}": {"id": action.pk},
        "/plans/{id}/reports/{year}/narratives/{section}": report | {"section": "introduction"},
        "/plans/{id}/reports/{year}/priority-narratives/{theme_id}": report | {"theme_id": theme.pk},
        "/plans/{id}/reports/{year}/explanations/{indicator_id}": report | {"indicator_id": indicator.pk},
        "/indicators/{id}/values": {"id": indicator.pk},
    }


@contextmanager
def _connection_kept_open() -> Iterator[None]:
    """Keep the test's database connection (and its transaction) open across requests.

    A WSGI request sends request_started and request_finished, and both close the connection when
    it is not in autocommit mode, as inside the test's transaction: on PostgreSQL every later query
    would then fail with "the connection is closed" (an in-memory SQLite database is never closed).
    django.test.Client disconnects `close_old_connections` from both signals in the same way.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


def _fuzz(operation: Any, known: dict[str, Any] | None, headers: dict[str, str], tally: Tally) -> None:
    """Run the generated cases of one operation; a case breaking a check is recorded, not raised."""

    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(case=operation.as_strategy(), use_real=st.booleans())
    def run(case: schemathesis.Case, use_real: bool) -> None:
        if known and use_real:
            case.path_parameters = dict(known)
        try:
            response = case.call_and_validate(headers=headers, excluded_checks=EXCLUDED_CHECKS)
        except (AssertionError, BaseExceptionGroup) as error:
            response = case.call(headers=headers)
            tally.failures.append(
                f"{case.method} {case.formatted_path} -> {response.status_code}: {error}"[:3000]
            )
        tally.statuses[response.status_code] += 1

    run()


def test_schemathesis_finds_no_server_error_and_no_reply_outside_the_schema(
    world: PlanWorld, bundled_store: StatsStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="django.request")  # thousands of expected 4xx warnings
    real = _real_ids(world)
    _token, key = token_create(user=world.editor)
    headers = {"Authorization": f"Token {key}", "Accept-Language": "en"}
    tally = Tally()
    operations = 0
    with _connection_kept_open():
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema", WSGIHandler())
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1
            _fuzz(operation, real.get(operation.path.removeprefix("/api/v1")), headers, tally)

    statuses = tally.statuses
    cases = sum(statuses.values())
    print(
        f"\nschemathesis: {operations} operations, {cases} cases, statuses {dict(sorted(statuses.items()))}"
    )
    assert operations >= 21 and cases >= operations * 10
    assert not [s for s in statuses if s >= 500], f"server errors: {statuses}"
    assert not tally.failures, "\n\n".join(tally.failures[:10])
