"""The content security policy holds in a real browser: charts draw, no page breaks a rule.

Chromium reports every blocked script, style or eval as a console error ("Refused to ...
because it violates the following Content Security Policy directive") and as a
`securitypolicyviolation` event; both are collected and must stay empty.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from ivp.core.charts import chart_spec

pytestmark = pytest.mark.django_db(transaction=True)

_CHART_PAGE = """{% extends "core/base.html" %}{% load ivp_charts %}
{% block head %}{% include "core/_vega_scripts.html" %}{% endblock %}
{% block content %}<h1 class="utrecht-heading-1">Grafiek</h1>{% vega_chart spec %}{% endblock %}"""


def _chart_view(request: HttpRequest) -> HttpResponse:
    spec = chart_spec(
        {
            "data": {"values": [{"jaar": "2022", "n": 120}, {"jaar": "2023", "n": 95}]},
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "x": {"field": "jaar", "type": "ordinal", "title": "Jaar"},
                "y": {"field": "n", "type": "quantitative", "title": "Aantal"},
                # an expression: compiled by Vega's parser, so it needs eval or the interpreter
                "color": {"condition": {"test": "datum.n > 100", "value": "#b00"}, "value": "#036"},
            },
            "transform": [{"calculate": "datum.n * 2", "as": "dubbel"}],
        },
        description="Geregistreerde misdrijven per jaar",
    )
    html = engines["django"].from_string(_CHART_PAGE).render({"spec": spec}, request)
    return HttpResponse(html)


urlpatterns = [path("csp-chart/", _chart_view), path("", include("ivp.conf.urls"))]


def _watch(page: Any) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if (m.type == "error" and not m.text.startswith("Failed to load resource"))
            or "Content Security Policy" in m.text
            else None
        ),
    )
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    return problems


def test_a_vega_chart_draws_under_the_policy_without_eval(page: Any, site: str, settings: Any) -> None:
    settings.ROOT_URLCONF = __name__
    problems = _watch(page)
    response = page.goto(f"{site}/csp-chart/")
    assert "'unsafe-eval'" not in response.headers["content-security-policy"]
    page.locator(".ivp-chart__canvas svg").wait_for()
    assert page.locator(".ivp-chart__canvas svg .mark-rect path").count() == 2
    page.wait_for_timeout(300)
    assert problems == [], "\n".join(problems)


def _pages_without_parameters() -> list[str]:
    from ivp.core.tests.test_read_only_viewers import all_paths

    return [
        p
        for p, name in all_paths("x")
        if "x" not in p.split("/") and "/1/" not in p and not p.startswith("/admin/") and "logout" not in name
    ]


def test_no_page_breaks_the_policy(page: Any, site: str, login: Any) -> None:
    problems = _watch(page)
    login(page, site, "demo")
    visited = []
    for url in _pages_without_parameters():
        try:
            response = page.goto(f"{site}{url}")
        except Exception:  # noqa: S112 - a download or a page that refuses GET (405 without a body)
            continue
        if (
            response is None
            or response.status >= 400
            or "html" not in response.headers.get("content-type", "")
        ):
            continue
        page.wait_for_load_state("load")
        visited.append(url)
    assert "/" in visited and "/data/" in visited
    assert problems == [], "\n".join(problems)
