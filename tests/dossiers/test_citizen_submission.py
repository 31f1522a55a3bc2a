"""D1, the citizen's side: the draft wizard's rules (files checked by content, size limits per file
and per dossier, the EICAR signature refused, delivery, completeness) and its HTML pages (owner
only, state guard, submission showing the code and the intake deadline)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers import services, submission
from dossiers.models import Dossier, DossierDocument, DossierFile
from dossiers.services import DossierError
from dossiers.states import Delivery, State
from portal.accounts.models import Membership
from portal.accounts.roles import Role
from procedures.models import DossierComponent, EForm, EFormVersion, FilledForm, Procedure
from procedures.services import publish
from tests.factories import AgencyFactory, UserFactory, officer
from tests.procedures.factories import ProcedureFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MB = 1024 * 1024

#: A tiny but well-formed PDF and a 1×1 PNG.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

DEFINITION = {"title": "Tờ khai cấp bản sao trích lục", "fields": [
    {"name": "ho_ten", "type": "text", "label": "Họ, chữ đệm, tên người yêu cầu",
     "required": True, "autofill": "full_name"},
    {"name": "so_ban", "type": "number", "label": "Số bản đề nghị cấp", "required": True,
     "min": 1, "max": 10},
]}


@dataclass
class World:
    procedure: Procedure
    agency: object
    citizen: object
    clerk: object
    identity: DossierComponent
    request_letter: DossierComponent
    optional: DossierComponent
    eform: EForm
    version: EFormVersion


def make_world(national_code: str = "1.004884") -> World:
    agency = AgencyFactory(code="000.01.30.H56", name="UBND phường Hạc Thành")
    procedure = ProcedureFactory(national_code=national_code, owner_agency=agency,
                                 name="Cấp bản sao trích lục hộ tịch",
                                 processing_time=Decimal(1))
    procedure.receiving_agencies.add(agency)
    eform = EForm.objects.create(procedure=procedure, symbol="TK01", name="Tờ khai")
    version = EFormVersion.objects.create(form=eform, number=1, definition=DEFINITION)
    identity = DossierComponent.objects.create(procedure=procedure, order=1,
                                               name="Giấy tờ tùy thân", copies=1)
    letter = DossierComponent.objects.create(procedure=procedure, order=2,
                                             name="Giấy ủy quyền", copies=1)
    optional = DossierComponent.objects.create(
        procedure=procedure, order=3, name="Giấy tờ khác",
        requirement=DossierComponent.Requirement.CONDITIONAL)
    publish(procedure)
    citizen = UserFactory(username="an", full_name="Nguyễn Văn An",
                          personal_id="038090001234")
    clerk = officer(agency, Role.INTAKE_OFFICER)
    Membership.objects.update(started_at=datetime(2020, 1, 1, tzinfo=VN))
    return World(procedure, agency, citizen, clerk, identity, letter, optional, eform, version)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db) -> World:
    return make_world()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def filled_form(world: World, user=None) -> FilledForm:
    return FilledForm.objects.create(version=world.version, user=user or world.citizen,
                                     data={"ho_ten": "Nguyễn Văn An", "so_ban": 2})


def complete_draft(world: World) -> Dossier:
    dossier = services.start_draft(world.procedure, applicant=world.citizen)
    submission.attach_file(dossier, world.identity, upload("cccd.pdf", PDF), by=world.citizen)
    submission.attach_file(dossier, world.request_letter, upload("uyquyen.png", PNG),
                           by=world.citizen)
    submission.link_eform(dossier, filled_form(world), by=world.citizen)
    return dossier


# -- services --------------------------------------------------------------------------------


def test_a_file_is_typed_by_its_content_not_its_name(world):
    dossier = services.start_draft(world.procedure, applicant=world.citizen)
    stored = submission.attach_file(dossier, world.identity, upload("anh-chup.pdf", PNG),
                                    by=world.citizen)
    assert stored.content_type == "image/png"
    assert stored.file.name.endswith(".png")  # stored under the real type's extension
    assert stored.original_name == "anh-chup.pdf" and stored.size == len(PNG)
    with pytest.raises(DossierError, match="không thuộc định dạng được chấp nhận"):
        submission.attach_file(dossier, world.identity,
                               upload("giay-to.pdf", b"MZ\x90\x00 not a pdf at all"),
                               by=world.citizen)
    assert dossier.files.count() == 1


def test_the_eicar_test_file_is_refused(world):
    dossier = services.start_draft(world.procedure, applicant=world.citizen)
    with pytest.raises(DossierError, match="mã độc"):
        submission.attach_file(dossier, world.identity, upload("cccd.pdf", PDF + EICAR),
                               by=world.citizen)
    assert not dossier.files.exists()


def test_size_limits_per_file_and_per_dossier(world):
    assert (submission.MAX_FILE_MB, submission.MAX_DOSSIER_MB) == (10, 50)
    dossier = services.start_draft(world.procedure, applicant=world.citizen)
    too_big = upload("scan.pdf", PDF + b"0" * (10 * MB))
    with pytest.raises(DossierError, match="tối đa 10 MB"):
        submission.attach_file(dossier, world.identity, too_big, by=world.citizen)
    # 49.9 MB already used by earlier files: a file of a few hundred bytes still fits, 0.2 MB not
    DossierFile.objects.create(dossier=dossier, component=world.optional, file="x.pdf",
                               original_name="x.pdf", content_type="application/pdf",
                               size=50 * MB - 1000, sha256="0" * 64)
    submission.attach_file(dossier, world.identity, upload("a.pdf", PDF), by=world.citizen)
    with pytest.raises(DossierError, match="50 MB"):
        submission.attach_file(dossier, world.identity,
                               upload("b.pdf", PDF + b"0" * (MB // 5)), by=world.citizen)
    assert dossier.files.count() == 2


def test_only_the_owner_edits_and_only_while_editable(world):
    dossier = complete_draft(world)
    stranger = UserFactory()
    with pytest.raises(DossierError):
        submission.attach_file(dossier, world.identity, upload("a.pdf", PDF), by=stranger)
    with pytest.raises(DossierError):
        submission.remove_file(dossier, dossier.files.first().pk, by=stranger)
    with pytest.raises(DossierError):
        submission.link_eform(dossier, filled_form(world, stranger), by=stranger)
    submission.send(dossier, by=world.citizen)
    with pytest.raises(DossierError, match="không thể thay đổi"):
        submission.attach_file(dossier, world.identity, upload("a.pdf", PDF), by=world.citizen)
    with pytest.raises(DossierError):
        submission.set_delivery(dossier, Delivery.COUNTER, by=world.citizen)


def test_removing_a_file_deletes_its_content(world, django_capture_on_commit_callbacks):
    dossier = services.start_draft(world.procedure, applicant=world.citizen)
    stored = submission.attach_file(dossier, world.identity, upload("a.pdf", PDF),
                                    by=world.citizen)
    storage, name = stored.file.storage, stored.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        submission.remove_file(dossier, stored.pk, by=world.citizen)
    assert not dossier.files.exists() and not storage.exists(name)


def test_post_delivery_needs_an_address(world):
    dossier = services.start_draft(world.procedure, applicant=world.citizen)
    with pytest.raises(DossierError, match="địa chỉ"):
        submission.set_delivery(dossier, Delivery.POST, "  ", by=world.citizen)
    submission.set_delivery(dossier, Delivery.POST, "Số 1 Lê Lợi, Hạc Thành", by=world.citizen)
    dossier.refresh_from_db()
    assert (dossier.delivery, dossier.delivery_address) == ("post", "Số 1 Lê Lợi, Hạc Thành")
    submission.set_delivery(dossier, Delivery.COUNTER, "ignored", by=world.citizen)
    dossier.refresh_from_db()
    assert (dossier.delivery, dossier.delivery_address) == ("counter", "")


def test_completeness_lists_every_missing_piece(world):
    dossier = services.start_draft(world.procedure, applicant=world.citizen)
    assert submission.problems(dossier) == [
        "Vui lòng điền tờ khai điện tử “Tờ khai”.",
        "Vui lòng đính kèm “Giấy tờ tùy thân”.",
        "Vui lòng đính kèm “Giấy ủy quyền”.",
    ]  # the conditional paper is not required
    with pytest.raises(submission.IncompleteDossier) as caught:
        submission.send(dossier, by=world.citizen)
    assert len(caught.value.problems) == 3
    assert Dossier.objects.get(pk=dossier.pk).state == State.DRAFT
    dossier = complete_draft(world)
    assert submission.problems(dossier) == []


def test_a_paper_filled_by_the_eform_needs_no_upload(world):
    world.request_letter.form = world.eform
    world.request_letter.save()
    dossier = services.start_draft(world.procedure, applicant=world.citizen)
    submission.attach_file(dossier, world.identity, upload("a.pdf", PDF), by=world.citizen)
    assert submission.problems(dossier) == ["Vui lòng điền tờ khai điện tử “Tờ khai”.",
                                            "Vui lòng đính kèm “Giấy ủy quyền”."]
    submission.link_eform(dossier, filled_form(world), by=world.citizen)
    assert submission.problems(dossier) == []


def test_a_complete_draft_is_submitted_with_code_and_deadline(world):
    dossier = complete_draft(world)
    with time_machine.travel(datetime(2026, 3, 6, 19, 0, tzinfo=VN), tick=False):
        submission.send(dossier, by=world.citizen)
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert dossier.code == "000.01.30.H56-260306-0001"
    assert dossier.intake_due_at == datetime(2026, 3, 9, 17, 30, tzinfo=VN)


# -- pages -----------------------------------------------------------------------------------


def signed_in(client, user):
    client.force_login(user)
    return client


def test_start_page_creates_a_draft_and_opens_the_wizard(world, client):
    signed_in(client, world.citizen)
    url = reverse("dossiers_citizen:start", kwargs={"national_code": "1.004884"})
    page = client.get(url)
    assert page.status_code == 200 and "UBND phường Hạc Thành" in page.content.decode()
    response = client.post(url)
    dossier = Dossier.objects.get(applicant=world.citizen)
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers_citizen:draft", kwargs={"pk": dossier.pk})
    wizard = client.get(response["Location"]).content.decode()
    assert 'value="Nguyễn Văn An"' in wizard  # the e-form is autofilled
    assert "Giấy tờ tùy thân" in wizard and "Nộp hồ sơ" in wizard


def test_start_asks_for_the_agency_when_there_are_several(world, client):
    other = AgencyFactory(name="UBND phường Đông Sơn")
    world.procedure.receiving_agencies.add(other)
    signed_in(client, world.citizen)
    url = reverse("dossiers_citizen:start", kwargs={"national_code": "1.004884"})
    response = client.post(url)
    assert response.status_code == 400
    assert "Vui lòng chọn cơ quan tiếp nhận hồ sơ" in response.content.decode()
    client.post(url, {"agency": other.pk})
    assert Dossier.objects.get(applicant=world.citizen).receiving_agency == other


def test_start_needs_sign_in_and_a_procedure_accepting_dossiers(world, client):
    url = reverse("dossiers_citizen:start", kwargs={"national_code": "1.004884"})
    assert client.get(url).status_code == 302  # to the sign-in page
    signed_in(client, world.citizen)
    missing = reverse("dossiers_citizen:start", kwargs={"national_code": "1.999999"})
    assert client.get(missing).status_code == 404
    Procedure.objects.filter(pk=world.procedure.pk).update(status=Procedure.Status.SUSPENDED)
    assert client.post(url).status_code == 404
    assert not Dossier.objects.exists()


def test_wizard_saves_the_eform_uploads_and_submits(world, client):
    signed_in(client, world.citizen)
    dossier = services.start_draft(world.procedure, applicant=world.citizen)
    url = reverse("dossiers_citizen:draft", kwargs={"pk": dossier.pk})

    response = client.post(url, {"action": "submit"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Vui lòng đính kèm “Giấy tờ tùy thân”." in body
    assert "Vui lòng điền tờ khai điện tử “Tờ khai”." in body

    response = client.post(url, {"action": "eform", "ho_ten": "Nguyễn Văn An", "so_ban": "0"})
    assert response.status_code == 400 and "không được nhỏ hơn 1" in response.content.decode()
    client.post(url, {"action": "eform", "ho_ten": "Nguyễn Văn An", "so_ban": "2"})
    dossier.refresh_from_db()
    assert dossier.filled_form.data == {"ho_ten": "Nguyễn Văn An", "so_ban": 2}

    response = client.post(url, {"action": "upload", "component": world.identity.pk,
                                 "file": upload("virus.pdf", PDF + EICAR)})
    assert response.status_code == 400 and "mã độc" in response.content.decode()
    for component, f in ((world.identity, upload("cccd.pdf", PDF)),
                         (world.request_letter, upload("uyquyen.png", PNG))):
        assert client.post(url, {"action": "upload", "component": component.pk,
                                 "file": f}).status_code == 302
    response = client.post(url, {"action": "delivery", "delivery": "post"})
    assert "Vui lòng cho biết địa chỉ" in response.content.decode()
    client.post(url, {"action": "delivery", "delivery": "counter"})

    with time_machine.travel(datetime(2026, 3, 6, 19, 0, tzinfo=VN), tick=False):
        response = client.post(url, {"action": "submit"}, follow=True)
    page = response.content.decode()
    assert "000.01.30.H56-260306-0001" in page
    assert "17:30 09/03/2026" in page  # the intake deadline, 8 working hours from Monday
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED and dossier.delivery == "counter"
    # a submitted dossier's wizard sends to its page
    assert client.get(url)["Location"] == reverse("dossiers_citizen:detail",
                                                  kwargs={"pk": dossier.pk})


def test_someone_elses_dossier_is_not_found(world, client):
    dossier = complete_draft(world)
    signed_in(client, UserFactory())
    for name in ("draft", "detail", "submitted"):
        assert client.get(reverse(f"dossiers_citizen:{name}",
                                  kwargs={"pk": dossier.pk})).status_code == 404
    f = dossier.files.first()
    assert client.get(reverse("dossiers_citizen:file",
                              kwargs={"pk": dossier.pk, "file_pk": f.pk})).status_code == 404
    assert client.post(reverse("dossiers_citizen:draft", kwargs={"pk": dossier.pk}),
                       {"action": "submit"}).status_code == 404
    assert client.post(reverse("dossiers_citizen:detail", kwargs={"pk": dossier.pk}),
                       {"action": "withdraw", "reason": "x"}).status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).state == State.DRAFT


def test_my_dossiers_lists_only_mine_without_n_plus_one(world, client):
    def queries_for_the_list() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("dossiers_citizen:mine"))
        return len(captured), response.content.decode()

    submission.send(complete_draft(world), by=world.citizen)
    services.start_draft(world.procedure, applicant=UserFactory())  # someone else's
    signed_in(client, world.citizen)
    queries_for_the_list()  # the first request of a session does a little more
    few, _page = queries_for_the_list()
    for _ in range(4):
        submission.send(complete_draft(world), by=world.citizen)
    queries_for_the_list()  # the new messages made the top bar count its unread ones again
    many, page = queries_for_the_list()
    assert many == few  # the same number of queries whatever the number of rows
    assert page.count('data-testid="mine-row"') == 5
    assert "Cấp bản sao trích lục hộ tịch" in page


def test_detail_shows_history_files_and_download_of_own_file(world, client):
    dossier = complete_draft(world)
    submission.send(dossier, by=world.citizen)
    signed_in(client, world.citizen)
    page = client.get(reverse("dossiers_citizen:detail", kwargs={"pk": dossier.pk}))
    body = page.content.decode()
    assert "cccd.pdf" in body and "uyquyen.png" in body and 'data-testid="history"' in body
    f = dossier.files.get(original_name="cccd.pdf")
    download = client.get(reverse("dossiers_citizen:file",
                                  kwargs={"pk": dossier.pk, "file_pk": f.pk}))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_incomplete_dossier_shows_defects_and_is_resubmitted(world, client):
    dossier = complete_draft(world)
    submission.send(dossier, by=world.citizen)
    services.ask_to_complete(dossier, by=world.clerk,
                             defects=["Bản chụp giấy tờ tùy thân bị mờ"])
    request_doc, _created = DossierDocument.objects.get_or_create(
        dossier=dossier, event=dossier.events.get(transition="ask_to_complete"),
        kind=DossierDocument.Kind.COMPLETION_REQUEST)
    signed_in(client, world.citizen)
    url = reverse("dossiers_citizen:detail", kwargs={"pk": dossier.pk})
    body = client.get(url).content.decode()
    assert "Bản chụp giấy tờ tùy thân bị mờ" in body and "Gửi hồ sơ đã bổ sung" in body
    assert reverse("documents:download", kwargs={"pk": request_doc.pk}) in body
    old = dossier.files.get(original_name="cccd.pdf")
    client.post(url, {"action": "remove", "file": old.pk})
    response = client.post(url, {"action": "resubmit"})
    assert "Vui lòng đính kèm “Giấy tờ tùy thân”." in response.content.decode()
    client.post(url, {"action": "upload", "component": world.identity.pk,
                      "file": upload("cccd-ro.png", PNG)})
    client.post(url, {"action": "resubmit", "note": "Đã chụp lại"})
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert dossier.events.last().reason == "Đã chụp lại"


def test_withdraw_needs_a_reason_and_then_closes_the_dossier(world, client):
    dossier = complete_draft(world)
    submission.send(dossier, by=world.citizen)
    signed_in(client, world.citizen)
    url = reverse("dossiers_citizen:detail", kwargs={"pk": dossier.pk})
    response = client.post(url, {"action": "withdraw", "reason": " "})
    assert response.status_code == 400 and "lý do" in response.content.decode()
    client.post(url, {"action": "withdraw", "reason": "Nộp nhầm thủ tục"})
    dossier.refresh_from_db()
    assert dossier.state == State.WITHDRAWN
    body = client.get(url).content.decode()
    assert 'data-testid="withdraw"' not in body
    # an action no longer possible gives the service's message, not an error page
    response = client.post(url, {"action": "withdraw", "reason": "lần nữa"}, follow=True)
    assert response.status_code == 200 and "không thể thực hiện" in response.content.decode()
