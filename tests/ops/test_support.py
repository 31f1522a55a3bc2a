"""Support requests from agencies (Tiền Giang Decision 01/2025 Art. 9.1): any officer files one,
operators answer within 2 working hours (working calendar), overdue ones are highlighted, the
requester and their agency see the status — nobody else (IDOR)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from portal.accounts.models import Membership
from portal.accounts.roles import Role
from portal.ops import services
from portal.ops.models import SupportRequest
from tests.factories import AgencyFactory, UserFactory, officer

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FRIDAY_1630 = datetime(2026, 3, 6, 16, 30, tzinfo=VN)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    justice, health = AgencyFactory(name="Sở Tư pháp"), AgencyFactory(name="Sở Y tế")
    people = {
        "clerk": officer(justice, Role.INTAKE_OFFICER, full_name="Trần Thị Cúc"),
        "colleague": officer(justice, Role.PROCESSING_OFFICER),
        "other": officer(health, Role.AGENCY_LEADER),
        "operator": officer(AgencyFactory(), Role.OPERATOR, email="vanhanh@example.vn"),
        "citizen": UserFactory(),
    }
    Membership.objects.update(started_at=datetime(2020, 1, 1, tzinfo=VN))
    return justice, health, people


def file_one(client, user, agency, subject="Không ký số được kết quả"):
    client.force_login(user)
    return client.post(reverse("ops:support"), {"agency": agency.pk, "subject": subject,
                                                "body": "Lỗi khi ký số kết quả hồ sơ."})


def test_a_request_is_due_two_working_hours_later_across_the_weekend(
        client, world, django_capture_on_commit_callbacks):
    justice, _health, people = world
    with time_machine.travel(FRIDAY_1630, tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        response = file_one(client, people["clerk"], justice)
    row = SupportRequest.objects.get()
    assert response.status_code == 302
    # Friday 16:30-17:30 is one hour; Monday from 07:30 the second: 08:30
    assert row.due_at == datetime(2026, 3, 9, 8, 30, tzinfo=VN)
    assert row.status == SupportRequest.Status.OPEN and row.requester == people["clerk"]
    assert any("vanhanh@example.vn" in m.to and "Sở Tư pháp" in m.subject for m in mail.outbox)


def test_the_queue_highlights_overdue_requests_and_the_operator_answers(client, world):
    justice, _health, people = world
    with time_machine.travel(FRIDAY_1630, tick=False):
        file_one(client, people["clerk"], justice)
    row = SupportRequest.objects.get()
    client.force_login(people["operator"])
    with time_machine.travel(datetime(2026, 3, 9, 8, 0, tzinfo=VN), tick=False):
        page = client.get(reverse("ops:support-queue")).content.decode()
        assert 'data-overdue="no"' in page
    with time_machine.travel(datetime(2026, 3, 9, 8, 31, tzinfo=VN), tick=False):
        client.force_login(people["operator"])
        page = client.get(reverse("ops:support-queue")).content.decode()
        assert 'data-overdue="yes"' in page and 'data-testid="overdue"' in page
        answered = client.post(reverse("ops:support-detail", args=[row.pk]),
                               {"answer": "Đã gia hạn chứng thư số, mời thử lại."})
        assert answered.status_code == 302
    row.refresh_from_db()
    assert row.status == SupportRequest.Status.ANSWERED and row.answered_by == people["operator"]
    assert row.is_overdue()  # answered one minute late: stays marked as late
    # the requester sees the answer and the status
    client.force_login(people["clerk"])
    page = client.get(reverse("ops:support-detail", args=[row.pk])).content.decode()
    assert "Đã gia hạn chứng thư số" in page and 'data-status="answered"' in page
    assert 'data-testid="answer-form"' not in page


def test_a_colleague_of_the_same_agency_sees_it_another_agency_does_not(client, world):
    justice, _health, people = world
    file_one(client, people["clerk"], justice)
    row = SupportRequest.objects.get()
    client.force_login(people["colleague"])
    assert client.get(reverse("ops:support-detail", args=[row.pk])).status_code == 200
    assert "Không ký số được" in client.get(reverse("ops:support")).content.decode()
    client.force_login(people["other"])
    assert client.get(reverse("ops:support-detail", args=[row.pk])).status_code == 404
    assert "Không ký số được" not in client.get(reverse("ops:support")).content.decode()


def test_only_operators_answer_or_see_the_queue(client, world):
    justice, _health, people = world
    file_one(client, people["clerk"], justice)
    row = SupportRequest.objects.get()
    client.force_login(people["clerk"])
    assert client.post(reverse("ops:support-detail", args=[row.pk]),
                       {"answer": "tự trả lời"}).status_code == 403
    assert client.get(reverse("ops:support-queue")).status_code == 403
    row.refresh_from_db()
    assert row.answer == ""


def test_an_officer_cannot_file_for_an_agency_they_do_not_work_in(client, world):
    _justice, health, people = world
    response = file_one(client, people["clerk"], health)
    assert response.status_code == 400
    assert not SupportRequest.objects.exists()
    with pytest.raises(services.OpsError):
        services.open_support_request(user=people["clerk"], agency=health, subject="x",
                                      body="y")


def test_citizens_have_no_support_form(client, world):
    _justice, _health, people = world
    client.force_login(people["citizen"])
    assert client.get(reverse("ops:support")).status_code == 403


def test_dashboards_link_to_the_operations_pages(client, world):
    _justice, _health, people = world
    client.force_login(people["clerk"])
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'data-testid="link-support"' in page and 'data-testid="link-notices"' not in page
    client.force_login(people["operator"])
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'data-testid="link-notices"' in page and 'data-testid="link-support-queue"' in page
