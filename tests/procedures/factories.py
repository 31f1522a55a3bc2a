"""Factories for catalogue tests."""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from procedures.models import (
    EForm,
    EFormVersion,
    Field,
    InternalProcess,
    Procedure,
    ProcessStep,
    TimeUnit,
)
from tests.factories import AgencyFactory


class FieldFactory(DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("name",)

    code = factory.Sequence(lambda n: f"F{n:03d}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class ProcedureFactory(DjangoModelFactory):
    class Meta:
        model = Procedure

    national_code = factory.Sequence(lambda n: f"1.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục số {n}")
    field = factory.SubFactory(FieldFactory)
    owner_agency = factory.SubFactory(AgencyFactory)
    processing_time = Decimal(5)
    processing_unit = TimeUnit.WORKING_DAYS
    online_level = "full"


class EFormFactory(DjangoModelFactory):
    class Meta:
        model = EForm

    procedure = factory.SubFactory(ProcedureFactory)
    symbol = factory.Sequence(lambda n: f"TK{n:02d}")
    name = "Tờ khai"


class EFormVersionFactory(DjangoModelFactory):
    class Meta:
        model = EFormVersion

    form = factory.SubFactory(EFormFactory)
    number = 1
    definition = factory.LazyFunction(lambda: {"title": "Tờ khai", "fields": [
        {"name": "ho_ten", "type": "text", "label": "Họ, chữ đệm, tên", "required": True,
         "autofill": "full_name"}]})


class ProcessFactory(DjangoModelFactory):
    class Meta:
        model = InternalProcess

    procedure = factory.SubFactory(ProcedureFactory)
    agency = factory.LazyAttribute(lambda p: p.procedure.owner_agency)


def steps(process: InternalProcess, *budgets: tuple[str, str]) -> list[ProcessStep]:
    """Create steps with ``(amount, unit)`` budgets in order."""
    return [
        ProcessStep.objects.create(process=process, order=i + 1, name=f"Bước {i + 1}",
                                   unit="Bộ phận", budget=Decimal(amount), budget_unit=unit)
        for i, (amount, unit) in enumerate(budgets)
    ]
