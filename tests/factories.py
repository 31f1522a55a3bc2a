"""Factories for the core models."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from portal.accounts.models import Membership, User
from portal.accounts.roles import Role
from portal.agencies.models import Agency, AgencyLevel

PASSWORD = "Secret-pass-2026"


class AgencyLevelFactory(DjangoModelFactory):
    class Meta:
        model = AgencyLevel
        django_get_or_create = ("code",)

    code = "department"
    name = "Sở, ban, ngành"
    rank = 1


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"000.00.{n % 100:02d}.H{56 + n // 100:02d}")
    name = factory.Sequence(lambda n: f"Sở số {n}")
    level = factory.SubFactory(AgencyLevelFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    kind = User.Kind.CITIZEN

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save()


class OfficerFactory(UserFactory):
    kind = User.Kind.OFFICER


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(OfficerFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.INTAKE_OFFICER


def officer(agency: Agency, role: str = Role.INTAKE_OFFICER, **kwargs: object) -> User:
    """An officer holding ``role`` in ``agency``."""
    user = OfficerFactory(**kwargs)
    MembershipFactory(user=user, agency=agency, role=role)
    if role in (Role.AGENCY_ADMIN, Role.OPERATOR):
        User.objects.filter(pk=user.pk).update(is_staff=True)
        user.is_staff = True
    return user
