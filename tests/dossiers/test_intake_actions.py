"""D2: the intake dossier page — personal data audited, files served to the agency only, and the
actions (receive, ask to complete, refuse) with their denials and the stale-click message."""

from __future__ import annotations

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from dossiers import selectors, services
from dossiers.models import Dossier, DossierFile
from dossiers.states import State
from portal.accounts.permissions import scope
from portal.accounts.roles import Perm, Role
from portal.audit.models import AuditEntry
from tests.dossiers.test_intake_queue import World, at
from tests.factories import officer

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(db) -> World:
    return World()


@pytest.fixture
def dossier(world) -> Dossier:
    return world.submitted(at(2026, 3, 9, 9, 0))


def test_dossier_page_shows_applicant_history_and_is_audited(world, dossier, client):
    client.force_login(world.clerk)
    response = client.get(reverse("intake:dossier", args=[dossier.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert dossier.code in page and "Nguyễn Văn An" in page and "038090001234" in page
    assert 'data-testid="accept"' in page and 'data-testid="event"' in page
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW_PERSONAL_DATA)
    assert (entry.actor, entry.object_id) == (world.clerk, str(dossier.pk))


def test_officer_scope_is_the_permission_helpers_scope(world, dossier):
    foreign = world.submitted(at(2026, 3, 9, 9, 0), procedure=world.foreign_procedure)
    for user in (world.clerk, world.foreign_clerk):
        expected = scope(Dossier.objects.exclude(state=State.DRAFT), user,
                         Perm.RECEIVE_DOSSIERS, "receiving_agency")
        assert set(selectors.officer_dossiers(user)) == set(expected)
    assert list(selectors.officer_dossiers(world.foreign_clerk)) == [foreign]


def test_files_are_downloaded_by_the_agency_only(world, dossier, client):
    item = DossierFile.objects.create(
        dossier=dossier, file=ContentFile(PDF, name="to-khai.pdf"), original_name="Tờ khai.pdf",
        content_type="application/pdf", size=len(PDF), sha256="0" * 64)
    url = reverse("intake:file", args=[dossier.pk, item.pk])
    client.force_login(world.foreign_clerk)
    assert client.get(url).status_code == 404
    assert client.get(reverse("intake:dossier", args=[dossier.pk])).status_code == 404
    client.force_login(world.citizen)
    assert client.get(url).status_code == 403
    client.force_login(world.clerk)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    other = world.submitted(at(2026, 3, 9, 9, 0))
    assert client.get(reverse("intake:file", args=[other.pk, item.pk])).status_code == 404


def test_accept_receives_and_redirects_with_a_message(world, dossier, client):
    client.force_login(world.clerk)
    with time_machine.travel(at(2026, 3, 9, 10, 0), tick=False):
        response = client.post(reverse("intake:accept", args=[dossier.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("intake:dossier", args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.state == State.PROCESSING
    assert dossier.processing_due_at == at(2026, 3, 16, 17, 30)
    page = response.content.decode()
    assert "Đã tiếp nhận hồ sơ" in page
    assert 'data-testid="accept"' not in page  # no more actions on a received dossier


def test_a_stale_accept_shows_a_clear_message_not_an_error_page(world, dossier, client):
    second = officer(world.agency, Role.INTAKE_OFFICER)
    services.accept(dossier, by=world.clerk)  # the first officer was faster
    client.force_login(second)
    response = client.post(reverse("intake:accept", args=[dossier.pk]), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hồ sơ hiện ở trạng thái" in page
    assert "không thể thực hiện thao tác này nữa" in page
    assert dossier.events.filter(transition="accept").count() == 1
    # Stale "ask to complete" and "refuse" behave the same.
    for name, data in (("intake:ask_to_complete", {"defects": "Thiếu tờ khai"}),
                       ("intake:refuse", {"reasons": "Không thuộc thẩm quyền"})):
        response = client.post(reverse(name, args=[dossier.pk]), data, follow=True)
        assert response.status_code == 200
        assert "không thể thực hiện thao tác này nữa" in response.content.decode()


def test_ask_to_complete_lists_one_defect_per_line(world, dossier, client):
    client.force_login(world.clerk)
    url = reverse("intake:ask_to_complete", args=[dossier.pk])
    response = client.post(url, {"defects": "  \n \n"}, follow=True)
    assert "Hãy nêu rõ nội dung người nộp cần bổ sung" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUBMITTED
    defects = "Thiếu bản sao giấy chứng sinh\r\n\r\nTờ khai chưa ký\n"
    response = client.post(url, {"defects": defects, "note": "Bổ sung trong 15 ngày làm việc"},
                           follow=True)
    dossier.refresh_from_db()
    assert dossier.state == State.INCOMPLETE
    event = dossier.events.get(transition="ask_to_complete")
    assert event.data["defects"] == ["Thiếu bản sao giấy chứng sinh", "Tờ khai chưa ký"]
    page = response.content.decode()
    assert "Đã gửi yêu cầu bổ sung" in page and "Tờ khai chưa ký" in page


def test_refuse_needs_reasons(world, dossier, client):
    client.force_login(world.clerk)
    url = reverse("intake:refuse", args=[dossier.pk])
    response = client.post(url, {"reasons": "   "}, follow=True)
    assert "Hãy nêu lý do từ chối" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUBMITTED
    client.post(url, {"reasons": "Thủ tục không thuộc thẩm quyền của phường"})
    dossier.refresh_from_db()
    assert dossier.state == State.REFUSED
    assert dossier.events.get(transition="refuse").reason.startswith("Thủ tục không thuộc")


@pytest.mark.parametrize("name", ["intake:accept", "intake:ask_to_complete", "intake:refuse"])
def test_actions_are_denied_to_others(world, dossier, client, name):
    data = {"defects": "Thiếu tờ khai", "reasons": "Lý do"}
    url = reverse(name, args=[dossier.pk])
    assert client.post(url, data).status_code == 302  # anonymous: to the sign-in page
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUBMITTED
    client.force_login(world.foreign_clerk)
    assert client.post(url, data).status_code == 404
    client.force_login(world.citizen)
    assert client.post(url, data).status_code == 403
    client.force_login(officer(world.agency, Role.PROCESSING_OFFICER))
    assert client.post(url, data).status_code == 403
    client.force_login(world.clerk)
    assert client.get(url).status_code == 405  # actions are POST only
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUBMITTED
    assert client.post(reverse(name, args=[999999]), data).status_code == 404


@pytest.mark.django_db
def test_the_officer_page_links_the_issued_receipt(client):
    from dossiers.models import DossierDocument
    from portal.accounts.models import Membership
    from procedures.services import publish
    from tests.factories import AgencyFactory, UserFactory
    from tests.procedures.factories import ProcedureFactory

    agency = AgencyFactory(code="000.05.30.H56")
    procedure = ProcedureFactory(owner_agency=agency)
    procedure.receiving_agencies.add(agency)
    publish(procedure)
    citizen = UserFactory()
    clerk = officer(agency, Role.INTAKE_OFFICER)
    Membership.objects.update(is_active=True)
    dossier = services.start_draft(procedure, applicant=citizen)
    services.submit(dossier, by=citizen)
    services.accept(dossier, by=clerk)
    document = DossierDocument.objects.get(dossier=dossier, kind="receipt")
    client.force_login(clerk)
    page = client.get(f"/mot-cua/ho-so/{dossier.pk}/").content.decode()
    assert f"/ho-so/tai-lieu/download/{document.pk}/" in page
    assert client.get(f"/ho-so/tai-lieu/download/{document.pk}/").status_code == 200
