"""D10: the applicant is told by e-mail of every change that concerns them, after commit."""

from decimal import Decimal

import pytest
from django.core import mail

from dossiers import services
from portal.accounts.models import Membership
from portal.accounts.roles import Role
from procedures.services import publish
from tests.factories import AgencyFactory, UserFactory, officer
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier():
    agency = AgencyFactory(code="000.01.30.H56")
    procedure = ProcedureFactory(owner_agency=agency, processing_time=Decimal(5),
                                 name="Đăng ký kết hôn")
    procedure.receiving_agencies.add(agency)
    publish(procedure)
    citizen = UserFactory(email="an@example.vn", full_name="Nguyễn Văn An")
    clerk = officer(agency, Role.INTAKE_OFFICER)
    Membership.objects.update(is_active=True)
    return services.start_draft(procedure, applicant=citizen), citizen, clerk


def test_submission_and_request_to_complete_are_mailed(dossier, django_capture_on_commit_callbacks):
    draft, citizen, clerk = dossier
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(draft, by=citizen)
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_to_complete(draft, by=clerk, defects=["Thiếu giấy xác nhận tình trạng "
                                                           "hôn nhân"])
    assert [m.to for m in mail.outbox] == [["an@example.vn"], ["an@example.vn"]]
    draft.refresh_from_db()
    assert mail.outbox[0].subject == f"Hồ sơ {draft.code} đã được nộp"
    assert "cần bổ sung" in mail.outbox[1].subject
    assert "1. Thiếu giấy xác nhận tình trạng hôn nhân" in mail.outbox[1].body
    assert f"/tra-cuu/?ma={draft.code}" in mail.outbox[1].body


def test_nothing_is_sent_when_the_transition_fails(dossier, django_capture_on_commit_callbacks):
    draft, _citizen, clerk = dossier
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.DossierError):
        services.accept(draft, by=clerk)  # still a draft: refused
    assert mail.outbox == []
