"""The demo catalogue: realistic, complete, valid and idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from portal.calendar.services import get_calendar
from portal.ops.demo import seed_core
from procedures import services
from procedures.demo import fee_rows, seed_catalogue
from procedures.eforms.schema import validate_definition
from procedures.models import (
    DossierComponent,
    EForm,
    EFormVersion,
    Fee,
    InternalProcess,
    LegalDocument,
    OnlineLevel,
    Procedure,
    ProcedureMethod,
    ProcedureVersion,
    ProcessStep,
    PublicationDecision,
    TimeUnit,
)

pytestmark = pytest.mark.django_db

MODELS = [Procedure, ProcedureMethod, Fee, DossierComponent, EForm, EFormVersion,
          InternalProcess, ProcessStep, LegalDocument, PublicationDecision, ProcedureVersion]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def catalogue() -> int:
    seed_core()
    return seed_catalogue()


def test_at_least_25_sample_procedures_across_fields_and_levels(catalogue):
    assert catalogue == Procedure.objects.count() >= 25
    assert not Procedure.objects.filter(is_sample=False).exists()
    fields = set(Procedure.objects.values_list("field__name", flat=True))
    for name in ("Hộ tịch", "Chứng thực", "Thành lập và hoạt động của hộ kinh doanh",
                 "Hoạt động xây dựng", "Tài chính đất đai", "Bảo trợ xã hội", "Giáo dục mầm non",
                 "Đường bộ", "Tài nguyên nước", "Di sản văn hóa"):
        assert name in fields
    assert set(Procedure.objects.values_list("level__code", flat=True)) == {"province",
                                                                           "commune"}
    assert set(Procedure.objects.values_list("online_level", flat=True)) == set(OnlineLevel)


def test_running_twice_changes_nothing(catalogue):
    before = counts()
    assert seed_catalogue() == catalogue
    assert counts() == before


def test_civil_status_procedures_from_the_csv_get_realistic_values(catalogue):
    birth = Procedure.objects.get(national_code="1.001193")
    assert birth.name == "Thủ tục đăng ký khai sinh"
    assert birth.level.code == "commune"
    assert birth.processing_unit == TimeUnit.SAME_DAY
    assert birth.same_day_cutoff.hour == 15
    assert birth.owner_agency.code == "000.00.13.H56"
    assert set(birth.receiving_agencies.values_list("code", flat=True)) >= {"000.01.30.H56"}
    assert birth.status == Procedure.Status.PUBLISHED
    assert {d.number for d in birth.legal_basis.all()} >= {"60/2014/QH13", "123/2015/NĐ-CP"}
    marriage = Procedure.objects.get(national_code="1.000894")
    assert (marriage.processing_time, marriage.processing_unit) == (Decimal(5), "working_days")


def test_fees_follow_the_published_text(catalogue):
    drilling = Procedure.objects.get(national_code="1.004122")
    assert {(f.channel, f.amount_vnd) for f in drilling.fees.all()} == {
        ("counter", 1400000), ("postal", 1400000), ("online", 700000)}
    signature = Procedure.objects.get(national_code="2.000884")
    assert [(f.channel, f.amount_vnd) for f in signature.fees.all()] == [("", 10000)]
    copy = Procedure.objects.get(national_code="2.000815")
    assert copy.fees.get().rule.startswith("2.000 đ/trang")
    assert fee_rows("", "fee") == []


def test_every_procedure_is_complete(catalogue):
    for procedure in Procedure.objects.all():
        components = procedure.components.count()
        assert 2 <= components <= 5, procedure
        assert procedure.methods.filter(channel="counter").exists()
        assert procedure.legal_basis.exists()
        assert procedure.receiving_agencies.exists() and procedure.deciding_agencies.exists()
        assert procedure.processes.exists()
        if procedure.online_level != OnlineLevel.NONE:
            assert procedure.methods.filter(channel="online").exists()
            form = procedure.forms.get()
            assert form.current_version.number == 1
            assert procedure.components.filter(form=form).exists()


def test_every_internal_process_adds_up_to_the_legal_time(catalogue):
    processes = InternalProcess.objects.select_related("procedure")
    assert processes.count() >= Procedure.objects.count()
    for process in processes:
        steps = list(process.steps.all())
        assert steps[0].role == "intake" and steps[-1].name == "Trả kết quả"
        assert services.legal_time_in_hours(process.procedure) is not None
        assert services.budget_problem(process.procedure, steps) is None, process
    inter = ProcessStep.objects.filter(other_agency__isnull=False)
    assert inter.exists()
    assert inter.first().other_agency.code == "000.00.25.H56"


def test_every_demo_form_definition_is_valid(catalogue):
    versions = EFormVersion.objects.select_related("form__procedure")
    assert versions.count() >= 20
    for version in versions:
        assert validate_definition(version.definition) == [], version
    birth = EForm.objects.get(procedure__national_code="1.001193")
    assert birth.code == "1.001193.TK01"
    assert birth.current_version.definition["title"] == "Tờ khai đăng ký khai sinh"


def test_decisions_published_the_catalogue_and_one_is_pending(catalogue):
    pending = PublicationDecision.objects.filter(applied_at__isnull=True)
    assert pending.count() == 1
    decision = pending.get()
    deadline = services.decision_deadline(decision)
    assert get_calendar().nth_working_day(timezone.localdate(), 2) == deadline.date()
    assert Procedure.objects.get(national_code="2.000635").status == "draft"
    assert PublicationDecision.objects.filter(number="1949/QĐ-UBND",
                                              signer="Chủ tịch UBND tỉnh").exists()
    suspended = Procedure.objects.get(status=Procedure.Status.SUSPENDED)
    assert suspended.national_code == "1.009403" and suspended.status_reason
    published = Procedure.objects.filter(status=Procedure.Status.PUBLISHED)
    assert published.count() == Procedure.objects.count() - 2
    assert all(p.versions.exists() for p in published)
    services.apply_decision(decision)
    assert Procedure.objects.get(national_code="2.000635").status == "published"
