"""Factories for tests. Units and accounts are created through the services, as in the
product, so their paths, sort keys and audit rows are real."""

from __future__ import annotations

from typing import Any

import factory

from safety import services
from safety.models import Organisation, User

TEST_PASSWORD = "Correct-Horse-9"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试学校{n}")
    code = factory.Sequence(lambda n: f"99{n:08d}")
    kind = Organisation.Kind.SCHOOL
    school_type = factory.LazyAttribute(
        lambda o: Organisation.SchoolType.PRIMARY if o.kind == Organisation.Kind.SCHOOL else ""
    )
    locality = factory.LazyAttribute(
        lambda o: Organisation.Locality.URBAN if o.kind == Organisation.Kind.SCHOOL else ""
    )
    student_count = 500
    staff_count = 40

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Organisation:
        return services.organisation_create(actor=None, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = User.Role.SCHOOL_STAFF

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> User:
        return services.user_create(actor=None, password=TEST_PASSWORD, **kwargs)
