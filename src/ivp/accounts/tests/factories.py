"""Factories with Dutch fake data."""

from __future__ import annotations

import factory
from django.utils.text import slugify

from ivp.accounts.constants import OrganisationKind, Role
from ivp.accounts.models import Membership, Organisation, User

factory.Faker._DEFAULT_LOCALE = "nl_NL"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Faker("email")
    password = factory.django.Password("geheim-wachtwoord")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Stichting Veilig Wonen {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = OrganisationKind.OTHER


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.EDITOR
