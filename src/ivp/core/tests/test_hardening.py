"""Hardening: deploy checks, security headers, the content security policy, login lock-out."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client

from ivp.accounts.tests.factories import UserFactory

REPO = Path(__file__).resolve().parents[4]
TEMPLATES = sorted((REPO / "src" / "ivp").glob("*/templates/**/*.html"))


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    # Not the test runner's own switches (e.g. DJANGO_ALLOW_ASYNC_UNSAFE, set by the browser tests).
    dropped = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if not k.startswith("IVP_") and k not in dropped}
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "ivp.conf.production",
        "IVP_SECRET_KEY": secrets.token_urlsafe(50),
        "IVP_ALLOW_SQLITE": "1",
        "IVP_VAR_DIR": str(tmp_path),
        **extra,
    }


def test_production_settings_pass_the_deploy_check_without_warnings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path), capture_output=True, text=True, check=False, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_collectstatic_works_with_the_production_storage(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
        env=_production_env(tmp_path), capture_output=True, text=True, check=False, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = (tmp_path / "static" / "staticfiles.json").read_text(encoding="utf-8")
    assert "ivp/charts.js" in manifest and "vendor/vega/vega-embed.min.js" in manifest


def test_production_sends_hsts_and_redirects_plain_http(tmp_path: Path) -> None:
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "plain = c.get('/healthz')\n"
        "print(plain.status_code, plain.headers.get('Location'))\n"
        "secure = c.get('/healthz', secure=True)\n"
        "print(secure.headers.get('Strict-Transport-Security'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=_production_env(tmp_path, IVP_ALLOWED_HOSTS="testserver"),
        capture_output=True, text=True, check=False, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    plain, hsts = result.stdout.strip().splitlines()
    assert plain == "301 https://testserver/healthz"
    assert hsts == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
def test_every_page_carries_the_security_headers_and_a_strict_content_policy() -> None:
    response = Client().get("/")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(
        [*part.split(" ", 1), ""][:2]
        for part in (p.strip() for p in response["Content-Security-Policy"].split(";"))
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


def test_the_template_scan_finds_the_templates() -> None:
    assert any(t.name == "base.html" for t in TEMPLATES)


_EXECUTING_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I
)
_EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
_INLINE_STYLE = re.compile(r"<[a-z][^>]*\sstyle\s*=|<style[\s>]", re.I)
# `{% if for_pdf %}…{% endif %}` is only rendered into a PDF (WeasyPrint), never sent to a browser.
_PDF_ONLY = re.compile(r"{%\s*if\s+for_pdf\b[^%]*%}.*?{%\s*endif\s*%}", re.S)
_JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


@pytest.mark.parametrize("template", TEMPLATES, ids=[str(t.relative_to(REPO / "src")) for t in TEMPLATES])
def test_no_template_holds_inline_script_event_handlers_or_inline_style(template: Path) -> None:
    """The content security policy blocks them, so they would silently not work."""
    if "pdf" in template.name:  # PDF templates are rendered by WeasyPrint, not a browser
        return
    if template.name.startswith("email"):  # e-mail bodies need inline style; no browser page serves them
        return
    text = _PDF_ONLY.sub("", template.read_text(encoding="utf-8"))
    assert not _EXECUTING_SCRIPT.search(text), "inline <script>: move it to a static .js file"
    assert not _EVENT_HANDLER.search(text), "on...= attribute: attach the handler from a static .js file"
    assert not _JS_URL.search(text), "javascript: URL"
    assert not _INLINE_STYLE.search(text), "inline style: use a class in a static .css file"


# --- login throttling ------------------------------------------------------------------------


def _attempt(client: Client, username: str, password: str) -> object:
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, HTTP_ACCEPT_LANGUAGE="nl"
    )


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_username_from_that_address_with_a_dutch_message() -> None:
    UserFactory(username="wethouder", password="juist-wachtwoord-123")
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(4):
        assert _attempt(client, "wethouder", "fout").status_code == 200  # the form again, with an error
    locked = _attempt(client, "wethouder", "fout")
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Inloggen tijdelijk geblokkeerd" in body
    assert "15 minuten" in body
    # Even the right password is refused now, and no session is made.
    right = _attempt(client, "wethouder", "juist-wachtwoord-123")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_lock_out_holds_only_for_that_username_and_address() -> None:
    UserFactory(username="wethouder", password="juist-wachtwoord-123")
    UserFactory(username="burgemeester", password="ander-wachtwoord-456")
    attacker = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(5):
        _attempt(attacker, "wethouder", "fout")
    assert _attempt(attacker, "burgemeester", "ander-wachtwoord-456").status_code == 302
    colleague = Client(REMOTE_ADDR="10.0.0.8")
    assert _attempt(colleague, "wethouder", "juist-wachtwoord-123").status_code == 302


@pytest.mark.django_db
def test_the_lock_out_ends_after_fifteen_minutes() -> None:
    UserFactory(username="wethouder", password="juist-wachtwoord-123")
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(5):
        _attempt(client, "wethouder", "fout")
    assert _attempt(client, "wethouder", "juist-wachtwoord-123").status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    assert _attempt(client, "wethouder", "juist-wachtwoord-123").status_code == 302


@pytest.mark.django_db
def test_a_successful_login_resets_the_failure_count() -> None:
    UserFactory(username="wethouder", password="juist-wachtwoord-123")
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(4):
        _attempt(client, "wethouder", "fout")
    assert _attempt(client, "wethouder", "juist-wachtwoord-123").status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert _attempt(client, "wethouder", "fout").status_code == 200
