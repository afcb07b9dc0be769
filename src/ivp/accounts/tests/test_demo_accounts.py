"""The demo accounts: described in the active language (`ivp setup` prints them), with the roles
they are given."""

from __future__ import annotations

import pytest
from django.utils import translation

from ivp.accounts.models import Membership
from ivp.accounts.services import DEMO_ACCOUNTS, demo_accounts_create


def test_the_descriptions_are_dutch_in_dutch_with_the_role_labels_of_the_model() -> None:
    with translation.override("nl"):
        descriptions = [account.description for account in DEMO_ACCOUNTS]
    assert descriptions == [
        "redacteur van Gemeente Maasgouw, netwerkcoördinator van Veiligheidsnetwerk Limburg (demo)",
        "kijker van Gemeente Maasgouw (bijv. een raadslid)",
    ]


def test_the_descriptions_are_english_in_english() -> None:
    with translation.override("en"):
        descriptions = [account.description for account in DEMO_ACCOUNTS]
    assert descriptions == [
        "editor of Gemeente Maasgouw, network coordinator of Veiligheidsnetwerk Limburg (demo)",
        "viewer of Gemeente Maasgouw (e.g. a council member)",
    ]


@pytest.mark.django_db
def test_each_account_gets_the_roles_its_description_names() -> None:
    accounts = demo_accounts_create()
    for account in accounts:
        held = set(
            Membership.objects.filter(user__username=account.username).values_list(
                "organisation__name", "role"
            )
        )
        assert held == {(name, str(role)) for name, role in account.roles}
