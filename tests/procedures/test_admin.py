"""U4: agency admins manage only their agency's catalogue; operators see decisions with their
deadlines; process budgets are validated in admin."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.accounts.roles import Role
from procedures import services
from procedures.models import InternalProcess, Procedure, PublicationDecision
from tests.factories import AgencyFactory, officer
from tests.procedures.factories import FieldFactory, ProcedureFactory, ProcessFactory

pytestmark = pytest.mark.django_db
ADMIN = "/admin/procedures/"


def empty_inlines(*prefixes: str) -> dict[str, str]:
    data = {}
    for prefix in prefixes:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    return data


@pytest.fixture
def agencies():
    return AgencyFactory(name="Sở Tư pháp"), AgencyFactory(name="Sở Xây dựng")


def test_agency_admin_sees_and_edits_only_own_procedures(client, agencies):
    mine, theirs = agencies
    own = ProcedureFactory(owner_agency=mine, name="Chứng thực bản sao")
    other = ProcedureFactory(owner_agency=theirs, name="Cấp giấy phép xây dựng")
    client.force_login(officer(mine, Role.AGENCY_ADMIN))
    page = client.get(f"{ADMIN}procedure/").content.decode()
    assert "Chứng thực bản sao" in page
    assert "Cấp giấy phép xây dựng" not in page
    assert client.get(f"{ADMIN}procedure/{other.pk}/change/").status_code == 302
    assert client.post(f"{ADMIN}procedure/{other.pk}/publish/").status_code == 404
    assert client.get(f"{ADMIN}procedure/{own.pk}/change/").status_code == 200


def test_admin_creates_and_publishes_a_procedure(client, agencies):
    mine, _theirs = agencies
    field = FieldFactory(name="Hộ tịch")
    client.force_login(officer(mine, Role.AGENCY_ADMIN))
    data = {
        "national_code": "1.001193", "name": "Đăng ký khai sinh", "field": field.pk,
        "owner_agency": mine.pk, "online_level": "full", "processing_time": "1",
        "processing_unit": "working_days", "steps": "Nộp hồ sơ; tiếp nhận; trả kết quả",
        "subjects": "Công dân Việt Nam", "result": "Giấy khai sinh",
        **empty_inlines("methods", "fees", "forms"),
        "components-TOTAL_FORMS": "1", "components-INITIAL_FORMS": "0",
        "components-MIN_NUM_FORMS": "0", "components-MAX_NUM_FORMS": "1000",
        "components-0-order": "1", "components-0-name": "Tờ khai đăng ký khai sinh",
        "components-0-originals": "1", "components-0-copies": "0",
        "components-0-requirement": "required",
    }
    response = client.post(f"{ADMIN}procedure/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    procedure = Procedure.objects.get(national_code="1.001193")
    assert procedure.status == Procedure.Status.DRAFT
    assert procedure.components.get().name == "Tờ khai đăng ký khai sinh"
    client.post(f"{ADMIN}procedure/{procedure.pk}/publish/")
    procedure.refresh_from_db()
    assert procedure.status == Procedure.Status.PUBLISHED
    assert procedure.versions.get().snapshot["components"][0]["name"] == (
        "Tờ khai đăng ký khai sinh")


def test_agency_admin_cannot_assign_another_agency(client, agencies):
    mine, theirs = agencies
    client.force_login(officer(mine, Role.AGENCY_ADMIN))
    data = {"national_code": "1.000001", "name": "X", "field": FieldFactory().pk,
            "owner_agency": theirs.pk, "online_level": "none",
            "processing_unit": "working_days",
            **empty_inlines("methods", "fees", "components", "forms")}
    response = client.post(f"{ADMIN}procedure/add/", data)
    assert response.status_code == 200  # form error, nothing saved
    assert not Procedure.objects.filter(national_code="1.000001").exists()


def test_process_steps_must_add_up_in_admin(client, agencies):
    mine, _theirs = agencies
    procedure = ProcedureFactory(owner_agency=mine, processing_time=2)
    process = ProcessFactory(procedure=procedure)
    client.force_login(officer(mine, Role.AGENCY_ADMIN))

    def post(budgets):
        data = {"procedure": procedure.pk, "agency": mine.pk, "is_active": "on",
                "steps-TOTAL_FORMS": str(len(budgets)), "steps-INITIAL_FORMS": "0",
                "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000"}
        for i, (amount, unit) in enumerate(budgets):
            data.update({f"steps-{i}-order": str(i + 1), f"steps-{i}-name": f"Bước {i + 1}",
                         f"steps-{i}-unit": "Phòng", f"steps-{i}-budget": amount,
                         f"steps-{i}-budget_unit": unit})
        return client.post(f"{ADMIN}internalprocess/{process.pk}/change/", data)

    refused = post([("4", "working_hours"), ("1", "working_days")])
    assert refused.status_code == 200
    assert "12" in refused.content.decode() and "16" in refused.content.decode()
    assert not InternalProcess.objects.get(pk=process.pk).steps.exists()
    accepted = post([("4", "working_hours"), ("1", "working_days"), ("4", "working_hours")])
    assert accepted.status_code == 302
    assert InternalProcess.objects.get(pk=process.pk).steps.count() == 3


def test_operator_sees_pending_decisions_and_overdue_ones(client):
    operator = officer(AgencyFactory(), Role.OPERATOR)
    PublicationDecision.objects.create(
        number="99/QĐ-UBND", signed_on=timezone.localdate() - timedelta(days=40),
        signer="Chủ tịch UBND tỉnh", received_at=timezone.now() - timedelta(days=30))
    PublicationDecision.objects.create(
        number="100/QĐ-UBND", signed_on=timezone.localdate(), signer="Chủ tịch UBND tỉnh",
        received_at=timezone.now())
    client.force_login(operator)
    page = client.get(f"{ADMIN}publicationdecision/").content.decode()
    assert "99/QĐ-UBND" in page and "100/QĐ-UBND" in page
    assert page.count("chưa có hiệu lực") + page.count("not live yet") == 2
    assert page.count("quá hạn") + page.count("overdue") == 1


def test_agency_admin_cannot_see_decisions(client, agencies):
    mine, _ = agencies
    client.force_login(officer(mine, Role.AGENCY_ADMIN))
    assert client.get(f"{ADMIN}publicationdecision/").status_code == 403


def test_version_history_is_read_only(client, agencies):
    mine, _ = agencies
    procedure = ProcedureFactory(owner_agency=mine)
    version = services.publish(procedure)
    client.force_login(officer(mine, Role.AGENCY_ADMIN))
    assert client.get(f"{ADMIN}procedureversion/{version.pk}/change/").status_code == 200
    client.post(f"{ADMIN}procedureversion/{version.pk}/change/", {"number": 7})
    version.refresh_from_db()
    assert version.number == 1


def test_eform_definition_is_validated_and_versioned_in_admin(client, agencies):
    import json

    from procedures.models import EForm

    mine, _theirs = agencies
    procedure = ProcedureFactory(owner_agency=mine, national_code="1.001193")
    client.force_login(officer(mine, Role.AGENCY_ADMIN))
    definition = {"title": "Tờ khai đăng ký khai sinh", "fields": [
        {"name": "ho_ten", "type": "text", "label": "Họ, chữ đệm, tên", "required": True,
         "autofill": "full_name"}]}
    base = {"procedure": procedure.pk, "symbol": "TK01", "name": "Tờ khai đăng ký khai sinh",
            "is_active": "on"}
    bad = client.post(f"{ADMIN}eform/add/", {**base, "definition": json.dumps(
        {"title": "x", "fields": [{"name": "a", "type": "colour"}]})})
    assert bad.status_code == 200
    assert "fields[0]" in bad.content.decode()
    assert not EForm.objects.exists()
    ok = client.post(f"{ADMIN}eform/add/", {**base, "definition": json.dumps(definition)})
    assert ok.status_code == 302
    form = EForm.objects.get()
    assert form.code == "1.001193.TK01"
    assert form.current_version.number == 1
    definition["fields"][0]["label"] = "Họ và tên"
    client.post(f"{ADMIN}eform/{form.pk}/change/", {**base, "definition": json.dumps(definition)})
    assert form.current_version.number == 2
    assert form.versions.get(number=1).definition["fields"][0]["label"] == "Họ, chữ đệm, tên"


def test_shared_legal_documents_are_changed_by_operators_only(client, agencies):
    from procedures.models import LegalDocument

    mine, _theirs = agencies
    document = LegalDocument.objects.create(number="123/2015/NĐ-CP", title="Nghị định hộ tịch",
                                            issuer="Chính phủ")
    client.force_login(officer(mine, Role.AGENCY_ADMIN))
    client.post(f"{ADMIN}legaldocument/{document.pk}/change/",
                {"number": "123/2015/NĐ-CP", "title": "Đã bị sửa", "issuer": "Chính phủ"})
    assert LegalDocument.objects.get(pk=document.pk).title == "Nghị định hộ tịch"


def test_operators_enter_the_items_of_a_decision(client):
    client.force_login(officer(AgencyFactory(), Role.OPERATOR))
    page = client.get(f"{ADMIN}publicationdecision/add/").content.decode()
    assert "items-TOTAL_FORMS" in page
