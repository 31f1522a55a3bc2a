"""Maintenance notices (O2): the minimum notice counted on the working calendar (Tiền Giang
Decision 01/2025 Art. 9.2: 8 working hours; Thái Nguyên Decision 47/2025 Art. 9.3: 2 working days
for maintenance, Art. 10.4: 5 for upgrades; configurable), the banner shown to everyone from
publication until the window is over, and the operators-only page."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from portal.accounts.models import Membership
from portal.accounts.roles import Role
from portal.ops import services
from portal.ops.models import MaintenanceNotice, NoticeUnit, OpsSettings
from tests.factories import AgencyFactory, UserFactory, officer

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=VN)

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=VN)


@pytest.fixture
def operator():
    user = officer(AgencyFactory(), Role.OPERATOR, full_name="Bùi Thanh Long")
    Membership.objects.update(started_at=datetime(2020, 1, 1, tzinfo=VN))
    return user


def publish(operator, kind, starts, ends=None, now=MONDAY_9):
    return services.publish_notice(kind=kind, starts_at=starts, ends_at=ends or starts.replace(
        hour=23, minute=30), message="Nâng cấp máy chủ", by=operator, now=now)


def test_maintenance_needs_two_working_days(operator):
    # Monday 09:00 + 2 working days = Wednesday at the end of the working day (17:30)
    with pytest.raises(services.OpsError, match="17:30 04/03/2026"):
        publish(operator, MaintenanceNotice.Kind.MAINTENANCE, at(4, 12))
    notice = publish(operator, MaintenanceNotice.Kind.MAINTENANCE, at(4, 20))
    assert notice.pk and notice.published_at == MONDAY_9


def test_an_upgrade_needs_five_working_days_and_weekends_do_not_count(operator):
    # Tue 3, Wed 4, Thu 5, Fri 6, Mon 9 March: the fifth working day is the next Monday
    with pytest.raises(services.OpsError, match="5 "):
        publish(operator, MaintenanceNotice.Kind.UPGRADE, at(7, 22))  # Saturday: too early
    assert publish(operator, MaintenanceNotice.Kind.UPGRADE, at(9, 18))


def test_the_minimum_notice_is_configurable_in_working_hours(operator):
    ops = OpsSettings.current()
    ops.maintenance_notice, ops.maintenance_notice_unit = 8, NoticeUnit.WORKING_HOURS
    ops.save()
    # Monday 09:00-11:30 and 13:30-17:30 = 6.5 h, then 1.5 h on Tuesday: 09:00
    with pytest.raises(services.OpsError, match="09:00 03/03/2026"):
        publish(operator, MaintenanceNotice.Kind.MAINTENANCE, at(3, 8, 30))
    assert publish(operator, MaintenanceNotice.Kind.MAINTENANCE, at(3, 9, 0))


def test_a_window_must_end_after_it_starts(operator):
    with pytest.raises(services.OpsError, match="kết thúc phải sau"):
        publish(operator, MaintenanceNotice.Kind.MAINTENANCE, at(20, 22), ends=at(20, 21))


def test_the_banner_shows_from_publication_until_the_end(client, operator,
                                                         django_capture_on_commit_callbacks):
    with time_machine.travel(MONDAY_9, tick=False):
        assert 'data-testid="maintenance-banner"' not in client.get("/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            publish(operator, MaintenanceNotice.Kind.MAINTENANCE, at(4, 20), ends=at(4, 23))
        page = client.get("/").content.decode()
        assert 'data-testid="maintenance-banner"' in page and "Nâng cấp máy chủ" in page
        assert "20:00 04/03/2026" in page
    with time_machine.travel(at(4, 22), tick=False):  # during the window, a citizen's page
        citizen = UserFactory()
        client.force_login(citizen)
        assert "Nâng cấp máy chủ" in client.get(reverse("accounts:dashboard")).content.decode()
    with time_machine.travel(at(4, 23, 1), tick=False):  # over
        assert "Nâng cấp máy chủ" not in client.get("/").content.decode()


def test_a_withdrawn_notice_leaves_the_banner(client, operator):
    client.force_login(operator)
    with time_machine.travel(MONDAY_9, tick=False):
        notice = publish(operator, MaintenanceNotice.Kind.MAINTENANCE, at(4, 20))
        client.post(reverse("ops:notice-cancel", args=[notice.pk]))
        assert "Nâng cấp máy chủ" not in client.get("/").content.decode()
    notice.refresh_from_db()
    assert notice.cancelled_at is not None


def test_operators_publish_from_their_page_and_see_refusals(client, operator):
    client.force_login(operator)
    with time_machine.travel(MONDAY_9, tick=False):
        client.force_login(operator)
        page = client.get(reverse("ops:notices"))
        assert page.status_code == 200 and "2 ngày làm việc" in page.content.decode()
        refused = client.post(reverse("ops:notices"), {
            "kind": "upgrade", "starts_at": "2026-03-04T20:00", "ends_at": "2026-03-04T23:00",
            "message": "Nâng cấp phiên bản"})
        assert refused.status_code == 400
        assert "17:30 09/03/2026" in refused.content.decode()
        ok = client.post(reverse("ops:notices"), {
            "kind": "maintenance", "starts_at": "2026-03-04T20:00",
            "ends_at": "2026-03-04T23:00", "message": "Bảo trì định kỳ"})
        assert ok.status_code == 302
    notice = MaintenanceNotice.objects.get()
    assert notice.created_by == operator and notice.kind == "maintenance"


@pytest.mark.parametrize("role", [Role.INTAKE_OFFICER, Role.AGENCY_ADMIN, Role.SUPERVISOR])
def test_only_operators_reach_the_notices_page(client, role):
    user = officer(AgencyFactory(), role)
    client.force_login(user)
    assert client.get(reverse("ops:notices")).status_code == 403
    assert client.post(reverse("ops:notices"), {"kind": "other"}).status_code == 403
    assert client.get(reverse("ops:overview")).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(reverse("ops:notices"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
