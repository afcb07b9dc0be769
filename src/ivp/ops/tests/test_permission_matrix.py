"""The permission matrix: every role x own/other organisation x every URL x every method.

The URLs are read from the project's URL configuration, so a page or endpoint added later is
tried without anyone remembering to. Each URL parameter is filled from real objects by the
registry below (`FILLERS`): an object of the own organisation and one of another; a new
parameter name that the registry cannot fill fails `test_every_url_parameter_can_be_filled`.

For each request the matrix asserts:
- never a server error (500);
- an unsafe method (POST, PUT, PATCH, DELETE) changes nothing in the database for a user who
  may not change that organisation's data (anonymous users, viewers, changing roles on the
  other organisation's objects, everyone but superusers in the admin): a fingerprint of row
  counts, latest timestamps and version sums is compared before and after. The one exception
  that viewers get: a saved explorer view is a personal bookmark, so every signed-in user may
  save one, and only its owner (nobody else, not even a superuser) renames or deletes it;
- the other organisation's draft plan, its user's saved view, and (for outsiders) the own
  draft plan never appear in a response body (unique marker strings), and a plan URL of the
  other organisation's draft never answers 200 to anyone but a superuser.

Networks (and their funding and bulletins): the own organisation (Maasgouw) is a *member* of the
own network (police unit Limburg), not its coordinator, and no member of the other network
(Oost-Nederland). So on the own network a changing role may change only its municipality's
own inputs (`MEMBER_INPUT_ROUTES`), never the network's governance, rounds, funding or
sendings; the other network's round, inputs, scenario, subscribers and sendings never show
(marker), and no URL of the other network answers 200; another member's subscriber address
is seen only by the network's coordinators.
Every request runs in a savepoint that is rolled back, so all requests see the same state.
"""

from __future__ import annotations

import datetime
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, models, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, include, path

from ivp.accounts.constants import Role
from ivp.accounts.models import Organisation, User
from ivp.accounts.tests.factories import MembershipFactory, UserFactory
from ivp.areas.models import Area
from ivp.areas.selectors import area_get
from ivp.areas.services import group_create
from ivp.core.audit import audit_record
from ivp.networks.models import Network
from ivp.plans.models import Action, Indicator, Partner, Plan, PortfolioHolder, Theme
from ivp.plans.services import item_create, plan_create
from ivp.stats.models import IngestRun

pytestmark = pytest.mark.django_db

OWN_DRAFT = "MARKER-OWN-DRAFT-7f3a"
OTHER_DRAFT = "MARKER-OTHER-DRAFT-9c1e"
OTHER_PRIVATE = "MARKER-OTHER-SAVEDVIEW-4b2d"
OTHER_GROUP = "MARKER-OTHER-GROUP-5e8a"
OWN_NETWORK = "MARKER-OWN-NETWORK-8e41"  # the own network's draft round: its members see it
OTHER_NETWORK = "marker-other-network-2d7c"  # lower case: also in an e-mail address
MEMBER_EMAIL = "marker-other-member-6f0b@example.org"  # another member's subscriber (own network)
UNSAFE = ("post", "put", "patch", "delete")
ROLES = ("anonymous", "viewer", "editor", "network_coordinator", "administrator", "superuser")
# Writes that are not a change of the application's data: sessions and login bookkeeping.
UNTRACKED_TABLES = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}
# Responses to these may legitimately write (e.g. a failed login is counted).
LOGIN_AND_LANGUAGE = {"accounts:login", "accounts:logout", "set_language"}


# --- the URL walk --------------------------------------------------------------------------

_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<regex_name>[^>]+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str

    @property
    def params(self) -> list[str]:
        return [m.group("name") or m.group("regex_name") for m in _PARAM.finditer(self.pattern)]

    def build(self, values: dict[str, str]) -> str:
        def fill(m: re.Match[str]) -> str:
            return values[m.group("name") or m.group("regex_name")]

        url = _PARAM.sub(fill, self.pattern)
        return "/" + url.replace("^", "").replace("$", "").replace("\\", "")


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for pattern in patterns:
        text = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + text, ns)
        else:
            yield Route(prefix + text, f"{namespace}{pattern.name}" if pattern.name else "")


def routes() -> list[Route]:
    return sorted(set(_walk(get_resolver().url_patterns)), key=lambda r: (r.pattern, r.name))


# --- the world: own and other organisation, with private things in both ---------------------


@dataclass
class World:
    own: Organisation
    other: Organisation
    users: dict[str, User | None]
    plans: dict[str, Plan]
    themes: dict[str, Theme]
    indicators: dict[str, Indicator]
    groups: dict[str, Area]
    saved_views: dict[str, int]
    run_id: int
    extra: dict[str, Any] = field(default_factory=dict)
    # Network things by URL parameter (network_id, round_id, ...) and variant (own/other).
    network_ids: dict[str, dict[str, int]] = field(default_factory=dict)


def _plan(
    org: Organisation, code: str, actor: User, title: str, marker: str
) -> tuple[Plan, Theme, Indicator]:
    plan = plan_create(actor=actor, organisation=org, title=title, start_year=2024, end_year=2027,
                       municipalities=[area_get(code_or_name=code)])  # fmt: skip
    Plan.objects.filter(pk=plan.pk).update(vision=f"Visie {marker}")
    theme = Theme.objects.filter(plan=plan).first()
    assert theme is not None
    indicator = Indicator.objects.create(plan=plan, theme=theme, code="I1", name=f"Indicator {marker}",
                                         source="survey", unit="percent", direction="up")  # fmt: skip
    # One of each other item the API reads and writes by id (`_pk`), carrying the marker.
    item_create(actor=actor, plan=plan, model=Partner, data={"name": f"Partner {marker}", "kind": "external"})
    item_create(actor=actor, plan=plan, model=PortfolioHolder,
                data={"name": f"Wethouder {marker}", "office": "wethouder", "themes": [theme]})  # fmt: skip
    item_create(actor=actor, plan=plan, model=Action,
                data={"year": 2024, "title": f"Actie {marker}", "lead_party": "Gemeente"})  # fmt: skip
    return plan, theme, indicator


def build_world() -> World:
    own = Organisation.objects.get(kind="municipality", area__code="GM1641")
    other = Organisation.objects.get(kind="municipality", area__code="GM0363")
    users: dict[str, User | None] = {
        "anonymous": None,
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    for role in (Role.VIEWER, Role.EDITOR, Role.NETWORK_COORDINATOR, Role.ADMINISTRATOR):
        users[str(role)] = MembershipFactory(organisation=own, role=role).user
    other_editor = MembershipFactory(organisation=other, role=Role.EDITOR).user
    own_plan, own_theme, own_indicator = _plan(own, "GM1641", users["editor"], "Plan eigen", OWN_DRAFT)  # type: ignore[arg-type]
    other_plan, other_theme, other_indicator = _plan(other, "GM0363", other_editor, "Plan ander", OTHER_DRAFT)
    own_group = group_create(actor=users["editor"], owner=own, name="Eigen groep", member_codes=["GM1641"])  # type: ignore[arg-type]
    other_group = group_create(
        actor=other_editor, owner=other, name=f"Groep {OTHER_GROUP}", member_codes=["GM0363"]
    )
    from ivp.explorer.models import SavedView

    own_view = SavedView.objects.create(owner=users["editor"], name="Eigen weergave", query="area=GM1641")
    other_view = SavedView.objects.create(
        owner=other_editor, name=f"Weergave {OTHER_PRIVATE}", query="area=GM0363"
    )
    run = IngestRun.objects.create(source_key="politie_47013", mode="file")
    audit_record(actor=other_editor, app="test", action="changed", object_type="plan",
                 object_label=f"Plan {OTHER_DRAFT}", organisation=other)  # fmt: skip
    world = World(
        own=own, other=other, users=users,
        plans={"own": own_plan, "other": other_plan},
        themes={"own": own_theme, "other": other_theme},
        indicators={"own": own_indicator, "other": other_indicator},
        groups={"own": own_group, "other": other_group},
        saved_views={"own": own_view.pk, "other": other_view.pk},
        run_id=run.pk,
    )  # fmt: skip
    world.network_ids = _networks()
    return world


def _network_things(world: Any, marker: str, member: str, subscriber: tuple[str, str]) -> dict[str, int]:
    """A draft round with the input of `member` (without a plan in ivp), governance (steering
    group, expert team, working group, milestone, calendar), a funding scheme with a scenario, a
    subscriber (member code, address) and a sending, all carrying `marker`; returns their ids by
    URL parameter name (and by API item, for `_pk`)."""
    from ivp.bulletins.models import Delivery, Sending, Subscriber
    from ivp.funding.services import scenario_add, scheme_save
    from ivp.networks import services_governance as governance
    from ivp.networks.services_rounds import input_add, round_create

    network, coordinator = world.network, world.coordinator
    Network.objects.filter(pk=network.pk).update(description=f"Beschrijving {marker}")
    round = round_create(actor=coordinator, network=network, title=f"Ronde {marker}")
    item = input_add(actor=coordinator, round=round, area=area_get(code_or_name=member),
                     theme=network.catalogue.first(), remark=f"Toelichting {marker}")  # fmt: skip
    chair = governance.steering_member_add(
        actor=coordinator, network=network, name=f"Voorzitter {marker}", office="burgemeester"
    )
    day = datetime.date(2025, 1, 6)
    team = governance.expert_team_create(actor=coordinator, network=network, theme=network.catalogue.first(),
                                         name=f"Expertteam {marker}", started_on=day)  # fmt: skip
    expert = governance.expert_team_member_add(actor=coordinator, team=team, name=f"Expert {marker}",
                                               organisation_name="Politie")  # fmt: skip
    worker = governance.working_group_member_add(actor=coordinator, network=network, name=f"Lid {marker}",
                                                 organisation_name="RIEC")  # fmt: skip
    milestone = governance.milestone_create(actor=coordinator, network=network, title=f"Mijlpaal {marker}",
                                            due_on=day)  # fmt: skip
    activity = governance.calendar_activity_create(actor=coordinator, network=network, title=f"Overleg {marker}",
                                                   starts_on=day)  # fmt: skip
    scheme = scheme_save(actor=coordinator, network=network, rate_eur="0.07", population_year=2024,
                         first_year=network.start_year, last_year=network.end_year)  # fmt: skip
    scenario = scenario_add(actor=coordinator, scheme=scheme, name=f"Scenario {marker}", rate_eur="0.08",
                            population_year=2024)  # fmt: skip
    area = area_get(code_or_name=subscriber[0])
    reader = Subscriber.objects.create(network=network, area=area, email=subscriber[1])
    sending = Sending.objects.create(network=network, month=datetime.date(2024, 6, 1), recipients_count=1,
                                     sent_count=1)  # fmt: skip
    Delivery.objects.create(sending=sending, subscriber=reader, email=reader.email, area=area,
                            status=Delivery.Status.SENT)  # fmt: skip
    line = scheme.budget_lines.first()
    assert line is not None
    return {"network_id": network.pk, "round_id": round.pk, "scenario_id": scenario.pk,
            "subscriber_id": reader.pk, "sending_id": sending.pk, "input": item.pk, "steering_member": chair.pk,
            "expert_team": team.pk, "expert_team_member": expert.pk, "working_group_member": worker.pk,
            "milestone": milestone.pk, "calendar_activity": activity.pk, "budget_line": line.pk}  # fmt: skip


def _networks() -> dict[str, dict[str, int]]:
    """The own network (Limburg, Maasgouw a member) and the other (Oost-Nederland, it is not)."""
    from ivp.bulletins.models import Subscriber
    from ivp.networks.tests.factories import limburg_world, network_world

    limburg, oost = limburg_world(), network_world()
    # Maasgouw's own subscriber (its roles may change it); Maastricht's is another member's.
    own = _network_things(limburg, OWN_NETWORK, "GM0935", ("GM1641", "abonnee-maasgouw@example.org"))
    Subscriber.objects.create(
        network=limburg.network, area=area_get(code_or_name="GM0935"), email=MEMBER_EMAIL
    )
    other = _network_things(oost, OTHER_NETWORK, "GM0153", ("GM0153", f"{OTHER_NETWORK}@example.org"))
    return {param: {"own": own[param], "other": other[param]} for param in own}


# --- the registry: how to fill each URL parameter -----------------------------------------

Filler = Callable[[World, str, Route], str]


def _admin_object(world: World, variant: str, route: Route) -> str:
    """The admin's object_id: an object of the model the admin URL is for (from its name)."""
    match = re.fullmatch(r"admin:(\w+?)_(\w+)_(change|delete|history)", route.name)
    if not match:
        return "1"
    app_label, model_name = match.group(1), match.group(2)
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return "1"
    if model is Plan:
        return str(world.plans[variant].pk)
    obj = model._default_manager.order_by("pk").first()
    return str(obj.pk) if obj is not None else "1"


def _pk(world: World, variant: str, route: Route) -> str:
    by_view: dict[str, Callable[[], object]] = {
        "api:indicator-detail": lambda: world.indicators[variant].pk,
        "api:indicator-value-list": lambda: world.indicators[variant].pk,
        "api:theme-detail": lambda: world.themes[variant].pk,
        "api:plan-detail": lambda: world.plans[variant].pk,
        "api:plan-theme-list": lambda: world.plans[variant].pk,
        "api:plan-indicator-list": lambda: world.plans[variant].pk,
        "api:safety-field-detail": lambda: world.plans[variant].fields.order_by("pk").first().pk,  # type: ignore[union-attr]
        "api:partner-detail": lambda: world.plans[variant].partners.get().pk,
        "api:portfolio-holder-detail": lambda: world.plans[variant].portfolio_holders.get().pk,
        "api:action-detail": lambda: world.plans[variant].actions.get().pk,
        "stats:run-detail": lambda: world.run_id,
        "explorer:saved-view-delete": lambda: world.saved_views[variant],
        "explorer:saved-view-rename": lambda: world.saved_views[variant],
        "api:network-detail": lambda: world.network_ids["network_id"][variant],
        "api:network-funding": lambda: world.network_ids["network_id"][variant],
        "api:round-detail": lambda: world.network_ids["round_id"][variant],
        "api:round-input-list": lambda: world.network_ids["round_id"][variant],
        **{  # the writes of a network's coordinators: by the network, the round or the item
            name: (lambda key=key: world.network_ids[key][variant])  # type: ignore[misc]
            for name, key in NETWORK_API_ITEMS.items()
        },
    }
    if route.name in by_view:
        return str(by_view[route.name]())
    if route.name.startswith("api:") and "indicator" in route.name:
        return str(world.indicators[variant].pk)
    if route.name.startswith("api:") and "theme" in route.name:
        return str(world.themes[variant].pk)
    if route.name.startswith("api:") and "plan" in route.name:
        return str(world.plans[variant].pk)
    raise LookupError(f"no object known for <pk> of {route.name}")


# The API's network writes by route name → the id they take (see `_network_things`).
NETWORK_API_ITEMS = {
    "api:network-round-list": "network_id", "api:network-steering-members": "network_id",
    "api:network-expert-teams": "network_id", "api:network-working-group": "network_id",
    "api:network-milestones": "network_id", "api:network-calendar-activities": "network_id",
    "api:network-funding-scheme": "network_id", "api:network-budget-lines": "network_id",
    "api:network-in-kind": "network_id", "api:network-scenarios": "network_id",
    "api:round-criteria": "round_id", "api:round-scores": "round_id", "api:round-selection": "round_id",
    "api:round-positions": "round_id", "api:round-adjustments": "round_id", "api:round-strategy": "round_id",
    "api:round-status": "round_id", "api:round-partner-inputs": "round_id", "api:round-input-detail": "input",
    "api:network-steering-member": "steering_member", "api:network-expert-team-members": "expert_team",
    "api:network-expert-team-dissolution": "expert_team", "api:network-expert-team-member": "expert_team_member",
    "api:network-working-group-member": "working_group_member", "api:network-milestone": "milestone",
    "api:network-calendar-activity": "calendar_activity", "api:network-budget-line": "budget_line",
    "api:network-scenario": "scenario_id",
}  # fmt: skip


def _code(world: World, variant: str, route: Route) -> str:
    if route.name.startswith("areas:group"):
        return world.groups[variant].code
    if route.name.startswith("bulletins:"):  # a member of the network
        return "GM1641" if variant == "own" else "GM0153"
    return "GM1641" if variant == "own" else "GM0363"


def _item_id(world: World, variant: str, route: Route) -> str:
    if "indicator" in route.name or route.pattern.rstrip("/").endswith("values"):
        return str(world.indicators[variant].pk)
    return str(world.themes[variant].pk)  # with kind=themes


FILLERS: dict[str, Filler] = {
    "plan_id": lambda w, v, r: str(w.plans[v].pk),
    "kind": lambda w, v, r: "themes",
    "item_id": _item_id,
    "indicator_id": lambda w, v, r: str(w.indicators[v].pk),
    "theme_id": lambda w, v, r: str(w.themes[v].pk),
    "section": lambda w, v, r: "introduction",
    "number": lambda w, v, r: "1",
    "year": lambda w, v, r: "2024",
    "code": _code,
    "pk": _pk,
    "object_id": _admin_object,
    "app_label": lambda w, v, r: r.name.split("_", 1)[0].removeprefix("admin:") if "_" in r.name else "plans",
    "content_type_id": lambda w, v, r: str(ContentType.objects.get_for_model(Plan).pk),
    "url": lambda w, v, r: "unknown/",
    "id": lambda w, v, r: str(w.users["viewer"].pk),  # type: ignore[union-attr]  # admin: a user's password
    # A bulletin's unsubscribe link: a forged token changes nothing (valid ones: the bulletins tests).
    "token": lambda w, v, r: f"{w.network_ids['subscriber_id'][v]}:forged-signature",
    **{
        param: (lambda w, v, r, param=param: str(w.network_ids[param][v]))  # type: ignore[misc]
        for param in ("network_id", "round_id", "scenario_id", "subscriber_id", "sending_id")
    },
}
# Parameters that say nothing about the organisation: one variant is enough.
NEUTRAL = {"kind", "number", "year", "app_label", "url", "section"}


def _model_for(param: str) -> type[models.Model] | None:
    """`<thing>_id` → the one model whose name ends in `thing` (network_id → Network,
    round_id → PrioritisationRound, …), or None when there is none or more than one."""
    if not param.endswith("_id"):
        return None
    stem = param.removesuffix("_id").replace("_", "")
    exact = [m for m in apps.get_models() if m._meta.model_name == stem]
    found = exact or [m for m in apps.get_models() if m._meta.model_name.endswith(stem)]
    return found[0] if len(found) == 1 else None


def _generic(param: str) -> Filler | None:
    """A filler for `<thing>_id` of a model the registry does not know yet: an existing object
    (the first for `own`, the last for `other`), or 0 (a 404) when there is none. Prefer a real
    entry in FILLERS with objects of both organisations in `build_world`."""
    model = _model_for(param)
    if model is None:
        return None

    def filler(world: World, variant: str, route: Route) -> str:
        objects = model._default_manager.order_by("pk" if variant == "own" else "-pk")
        obj = objects.first()
        return str(obj.pk) if obj is not None else "0"

    return filler


def filler_for(param: str) -> Filler | None:
    return FILLERS.get(param) or _generic(param)


def fill(world: World, route: Route, variant: str) -> str:
    values = {p: filler_for(p)(world, variant, route) for p in route.params}  # type: ignore[misc]
    if route.name == "admin:view_on_site":
        values["object_id"] = str(world.plans[variant].pk)
    return route.build(values)


def variants(route: Route) -> list[str]:
    if not [p for p in route.params if p not in NEUTRAL] or route.name.startswith("admin:"):
        return ["own"]
    return ["own", "other"]


# --- the database fingerprint -------------------------------------------------------------


def _fingerprint_sql() -> str:
    parts = []
    for model in apps.get_models():
        table = model._meta.db_table
        if table in UNTRACKED_TABLES or model._meta.proxy or not model._meta.managed:
            continue
        names = {f.name: f.column for f in model._meta.concrete_fields}
        stamps = [
            f.column for f in model._meta.concrete_fields
            if isinstance(f, models.DateTimeField) and (f.auto_now or f.name in {"updated_at", "finished_at"})
        ]  # fmt: skip
        stamp = f"MAX({connection.ops.quote_name(stamps[0])})" if stamps else "NULL"
        sums = [f"SUM({connection.ops.quote_name(names[n])})" for n in ("version", "revision") if n in names]
        total = " + ".join(f"COALESCE({s}, 0)" for s in sums) or "0"
        parts.append(
            f"SELECT '{model._meta.label}', COUNT(*), CAST({stamp} AS VARCHAR(40)), {total} "  # noqa: S608
            f"FROM {connection.ops.quote_name(table)}"
        )
    return " UNION ALL ".join(parts)


def fingerprint(sql: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted(cursor.fetchall())


class _Rollback(Exception):
    pass


# --- the matrix ---------------------------------------------------------------------------

PAYLOAD: dict[str, Any] = {
    "name": "Gewijzigd", "title": "Gewijzigd", "vision": "Gewijzigd", "text": "Gewijzigd",
    "members": ["GM0363"], "member_codes": "GM0363", "code": "ZZ9", "version": "1", "expected_version": "1",
    "start_year": "2025", "end_year": "2028", "status": "adopted", "adopted_on": "2025-01-01",
    "query": "area=GM0363", "year": "2024", "value": "1", "source": "survey", "unit": "percent",
    "direction": "up", "language": "en", "next": "/", "username": "x", "password": "y", "confirm": "1",
    "municipality": "GM1641", "theme": "5.2", "remark": "Gewijzigd",
}  # fmt: skip


NETWORK_ROUTE = re.compile(r"^(networks|funding|bulletins):|^api:(network|round)")
API_PLAN_ROUTE = re.compile(r"^api:(plan|theme|indicator|safety-field|partner|portfolio-holder|action)-")
NETWORK_PARAMS = {"network_id", "round_id", "scenario_id", "subscriber_id", "sending_id"}
# On the own network (a member, not its coordinator) a changing role changes only these: its
# municipality's priorities in a round and its municipality's bulletin subscribers.
MEMBER_INPUT_ROUTES = {
    "networks:input-add", "networks:input-delete", "networks:upload",
    "bulletins:subscribers", "bulletins:subscriber-active", "bulletins:subscriber-delete",
    "api:round-input-list",
}  # fmt: skip


# A saved explorer view is a personal bookmark, not an organisation's data: every signed-in user,
# viewers too, may save one of their own, and rename or delete only their own (the "own" saved
# view is the editor's, the "other" one another organisation's editor's).
SAVED_VIEW_CREATE = "explorer:saved-view-create"
OWN_SAVED_VIEW_ROUTES = {"explorer:saved-view-rename", "explorer:saved-view-delete"}
SAVED_VIEW_OWNER = "editor"


# A user's own API token (made, replaced or revoked on the profile page) is not an organisation's
# data: every signed-in user, viewers too, manages their own.
OWN_TOKEN_ROUTES = {"accounts:token-create", "accounts:token-revoke"}


def may_change(role: str, variant: str, route: Route) -> bool:
    if route.name in OWN_TOKEN_ROUTES:
        return role != "anonymous"
    if route.name == SAVED_VIEW_CREATE:
        return role != "anonymous"
    if route.name in OWN_SAVED_VIEW_ROUTES:
        return role == SAVED_VIEW_OWNER and variant == "own"
    if role == "superuser":
        return True
    if role in {"anonymous", "viewer"} or route.name.startswith("admin:"):
        return False
    if NETWORK_ROUTE.match(route.name):
        return variant == "own" and route.name in MEMBER_INPUT_ROUTES
    return variant == "own"


def may_see(role: str, marker: str) -> bool:
    if role == "superuser":
        return True
    if marker in (OWN_DRAFT, OWN_NETWORK):
        return role != "anonymous"
    return False


def may_open(role: str, variant: str, route: Route) -> bool:
    """May a GET of this URL answer 200? Not for the other organisation's draft plan or a URL
    of the other network (except for superusers)."""
    if role == "superuser" or variant == "own":
        return True
    if (NETWORK_ROUTE.match(route.name) or API_PLAN_ROUTE.match(route.name)) and route.params:
        return False  # the API's <pk> of a network, round, or the other's draft plan and its items
    return not ({"plan_id"} | NETWORK_PARAMS) & set(route.params)


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def _request(client: Client, method: str, url: str) -> Any:
    if method == "get":
        return client.get(url)
    if method == "post":
        return client.post(url, PAYLOAD)
    return getattr(client, method)(url, json.dumps(PAYLOAD), content_type="application/json")


MARKERS = (OWN_DRAFT, OTHER_DRAFT, OTHER_PRIVATE, OWN_NETWORK, OTHER_NETWORK, MEMBER_EMAIL)


def run_matrix(role: str) -> tuple[int, list[str], set[str]]:
    """Requests made, problems found, and the markers seen (where allowed)."""
    world = build_world()
    client = Client(raise_request_exception=False)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    sql = _fingerprint_sql()
    before = fingerprint(sql)
    problems: list[str] = []
    seen: set[str] = set()
    count = 0
    for route in routes():
        if route.name in {"accounts:logout", "admin:logout"}:
            continue  # would end the session for the remaining requests
        for variant in variants(route):
            url = fill(world, route, variant)
            for method in ("get", *UNSAFE):
                count += 1
                try:
                    with transaction.atomic():
                        response = _request(client, method, url)
                        try:
                            changed = method != "get" and fingerprint(sql) != before
                        except DatabaseError:  # the view broke the savepoint; it is rolled back
                            changed = False
                        raise _Rollback
                except _Rollback:
                    pass
                where = f"{role} {method.upper()} {url} ({route.name or route.pattern}, {variant})"
                if response.status_code >= 500:
                    problems.append(f"{where}: {response.status_code}")
                if changed and not may_change(role, variant, route) and route.name not in LOGIN_AND_LANGUAGE:
                    problems.append(f"{where}: changed the database")
                body = _body(response)
                for marker in MARKERS:
                    if marker in body and not may_see(role, marker):
                        problems.append(f"{where}: the response shows {marker}")
                    elif marker in body:
                        seen.add(marker)
                if method == "get" and response.status_code == 200 and not may_open(role, variant, route):
                    problems.append(f"{where}: another organisation's draft plan or network answered 200")
    assert fingerprint(sql) == before
    # Still signed in as the role: no request ended the session for the ones after it.
    assert client.session.get("_auth_user_id") == (str(user.pk) if user is not None else None)
    return count, problems, seen


# A deliberately leaky site, to show that the matrix finds each kind of problem.
def _leaky_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    Plan.objects.filter(pk=plan_id).update(version=F("version") + 1)  # changes whatever is asked
    return HttpResponse(Plan.objects.get(pk=plan_id).vision)  # and shows every draft


def _leaky_network(request: HttpRequest, network_id: int) -> HttpResponse:
    Network.objects.filter(pk=network_id).update(version=F("version") + 1)  # as if it managed it
    return HttpResponse(Network.objects.get(pk=network_id).description)  # whoever asks


def _broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


urlpatterns = [
    path("leaky/<int:plan_id>/", _leaky_plan, name="leaky"),
    path("broken/", _broken, name="broken"),
    path("", include(([path("leaky-network/<int:network_id>/", _leaky_network, name="leaky")], "networks"))),
]


def test_the_matrix_finds_changes_leaks_and_server_errors(settings: Any) -> None:
    settings.ROOT_URLCONF = __name__
    _count, problems, _seen = run_matrix("editor")
    text = "\n".join(problems)
    assert re.search(r"editor POST /leaky/\d+/ \(leaky, other\): changed the database", text)
    assert re.search(r"editor GET /leaky/\d+/ \(leaky, other\): the response shows " + OTHER_DRAFT, text)
    assert "another organisation's draft plan or network answered 200" in text
    assert "editor GET /broken/ (broken, own): 500" in text
    assert not re.search(r"POST /leaky/\d+/ \(leaky, own\): changed", text)  # allowed: own organisation
    # A member municipality's editor does not manage its network; the other network stays closed.
    assert re.search(r"editor POST /leaky-network/\d+/ \(networks:leaky, own\): changed the database", text)
    assert re.search(
        r"editor GET /leaky-network/\d+/ \(networks:leaky, other\): the response shows " + OTHER_NETWORK, text
    )
    assert re.search(
        r"editor GET /leaky-network/\d+/ \(networks:leaky, other\): another .* network answered 200", text
    )


def test_every_url_parameter_can_be_filled() -> None:
    """A new URL parameter needs an entry in FILLERS (and a real object behind it)."""
    unknown = sorted(
        {f"<{p}> in {r.name or r.pattern}" for r in routes() for p in r.params if not filler_for(p)}
    )
    assert not unknown, "the permission matrix cannot fill: " + ", ".join(unknown)


def test_the_walk_finds_pages_of_every_kind() -> None:
    names = {r.name for r in routes()}
    assert {"plans:detail", "areas:group-delete", "ops:audit", "accounts:login"} <= names
    assert any(n.startswith("admin:") for n in names)


@pytest.mark.parametrize("role", ROLES)
def test_the_permission_matrix_holds_for(role: str, capsys: Any) -> None:
    start = time.monotonic()
    count, problems, seen = run_matrix(role)
    assert count > 500
    with capsys.disabled():
        print(f"\npermission matrix {role}: {count} requests in {time.monotonic() - start:.1f} s")
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:60])
    # The markers are live: whoever may see one finds it on some page (else the check proves
    # nothing). A saved view is shown only to its owner, who is none of the roles.
    assert seen == {m for m in MARKERS if may_see(role, m)} - {OTHER_PRIVATE}
