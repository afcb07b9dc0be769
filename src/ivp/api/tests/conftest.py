"""API test set-up: a plan world (editor, viewer, outsider), tokens, and the bundled statistics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from ivp.accounts.models import User
from ivp.api.services import token_create
from ivp.plans.tests.factories import PlanWorld, plan_world
from ivp.stats.tests.conftest import bundled_store, bundled_template, store  # noqa: F401  (fixtures)


@dataclass
class Api:
    """A client that sends a user's token (or none), in English unless told otherwise."""

    client: Client
    key: str | None = None
    language: str = "en"

    def _headers(self) -> dict[str, str]:
        headers = {"HTTP_ACCEPT_LANGUAGE": self.language}
        return headers | ({"HTTP_AUTHORIZATION": f"Token {self.key}"} if self.key else {})

    def get(self, path: str, data: Any = None) -> Any:
        return self.client.get(path, data, **self._headers())

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(path, body, content_type="application/json", **self._headers())

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(path, body, content_type="application/json", **self._headers())


def api_for(user: User | None) -> Api:
    if user is None:
        return Api(Client())
    _token, key = token_create(user=user)
    return Api(Client(), key)


@pytest.fixture
def world(db: Any) -> PlanWorld:
    return plan_world()
