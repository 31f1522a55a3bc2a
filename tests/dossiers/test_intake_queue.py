"""D2: the one-stop officer's intake queue — scoping, order, filters, counters, punctuality and
the remaining working time (lunch breaks, nights, weekends), bounded queries."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from dossiers import selectors, services
from dossiers.models import Dossier
from dossiers.states import Channel, State
from portal.accounts.models import Membership
from portal.accounts.roles import Role
from procedures.services import publish
from tests.factories import AgencyFactory, UserFactory, officer
from tests.procedures.factories import ProcedureFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)


class World:
    """Two agencies, each with a published procedure and an intake officer; one citizen."""

    def __init__(self) -> None:
        self.agency = AgencyFactory(code="000.01.30.H56", name="UBND phường Hạc Thành")
        self.procedure = ProcedureFactory(owner_agency=self.agency, processing_time=Decimal(5),
                                          name="Đăng ký khai sinh")
        self.procedure.receiving_agencies.add(self.agency)
        publish(self.procedure)
        self.other_procedure = ProcedureFactory(owner_agency=self.agency,
                                                name="Chứng thực bản sao")
        self.other_procedure.receiving_agencies.add(self.agency)
        publish(self.other_procedure)
        self.foreign_agency = AgencyFactory(name="UBND xã Khác")
        self.foreign_procedure = ProcedureFactory(owner_agency=self.foreign_agency,
                                                  name="Thủ tục của xã khác")
        self.foreign_procedure.receiving_agencies.add(self.foreign_agency)
        publish(self.foreign_procedure)
        self.citizen = UserFactory(personal_id="038090001234", full_name="Nguyễn Văn An",
                                   address="12 Lê Lợi, Hạc Thành", phone="0912345678")
        self.clerk = officer(self.agency, Role.INTAKE_OFFICER, full_name="Trần Thị Một Cửa")
        self.foreign_clerk = officer(self.foreign_agency, Role.INTAKE_OFFICER)
        Membership.objects.update(started_at=at(2020, 1, 1))

    def submitted(self, when: datetime, *, procedure=None, channel: str = Channel.ONLINE,
                  name: str = "") -> Dossier:
        procedure = procedure or self.procedure
        with time_machine.travel(when, tick=False):
            dossier = services.start_draft(procedure, applicant=self.citizen, channel=channel,
                                           **({"applicant_name": name} if name else {}))
            services.submit(dossier, by=self.citizen)
        dossier.refresh_from_db()
        return dossier


@pytest.fixture
def world(db) -> World:
    return World()


def login(client, user) -> None:
    client.force_login(user)


# -- punctuality and remaining working time ------------------------------------------------------


@pytest.mark.parametrize(("due", "now", "expected", "text"), [
    # Monday afternoon: 3 h 20 min of working time before 17:30.
    (at(2026, 3, 9, 17, 30), at(2026, 3, 9, 14, 10), "on_time", "còn 3 giờ 20 phút làm việc"),
    # Across the lunch break: 30 min before 11:30 + 1 h after 13:30 → due soon.
    (at(2026, 3, 9, 14, 30), at(2026, 3, 9, 11, 0), "due_soon", "còn 1 giờ 30 phút làm việc"),
    # During lunch nothing runs: 14:00 is 30 working minutes away.
    (at(2026, 3, 9, 14, 0), at(2026, 3, 9, 12, 15), "due_soon", "còn 30 phút làm việc"),
    # Friday 16:30 → Monday 8:30 is exactly 2 working hours: due soon (the boundary counts).
    (at(2026, 3, 9, 8, 30), at(2026, 3, 6, 16, 30), "due_soon", "còn 2 giờ làm việc"),
    # Friday 16:30 → Monday 9:30 is 3 working hours over the weekend: on time.
    (at(2026, 3, 9, 9, 30), at(2026, 3, 6, 16, 30), "on_time", "còn 3 giờ làm việc"),
    # Due Monday 17:30, now Tuesday 9:30: two working hours late.
    (at(2026, 3, 9, 17, 30), at(2026, 3, 10, 9, 30), "late", "quá hạn 2 giờ"),
    # Due Friday 17:30, now Saturday: late, but no working time has passed yet.
    (at(2026, 3, 6, 17, 30), at(2026, 3, 7, 10, 0), "late", "quá hạn"),
])
def test_punctuality_and_remaining_working_time(db, due, now, expected, text):
    assert selectors.punctuality(due, now) == expected
    assert selectors.remaining_text(due, now) == text


# -- the queue -----------------------------------------------------------------------------------


def test_queue_lists_own_agency_dossiers_oldest_deadline_first(world, client):
    later = world.submitted(at(2026, 3, 9, 10, 0), name="Người thứ hai")
    earlier = world.submitted(at(2026, 3, 6, 19, 0), name="Người thứ nhất")  # Friday evening
    foreign = world.submitted(at(2026, 3, 5, 9, 0), procedure=world.foreign_procedure,
                              name="Người của xã khác")
    login(client, world.clerk)
    with time_machine.travel(at(2026, 3, 9, 8, 0), tick=False):
        response = client.get(reverse("intake:queue"))
    assert response.status_code == 200
    codes = [d["dossier"].code for d in response.context["rows"]]
    assert codes == [earlier.code, later.code]
    assert foreign.code not in response.content.decode()
    page = response.content.decode()
    assert "Người thứ nhất" in page and "Người của xã khác" not in page
    assert "17:30 09/03/2026" in page  # Friday evening → Monday 17:30 (W2)
    assert "còn 7 giờ 30 phút làm việc" in page
    # ... and the other agency's dossier is not reachable either.
    assert client.get(reverse("intake:dossier", args=[foreign.pk])).status_code == 404


def test_queue_is_for_intake_officers_only(world, client):
    assert client.get(reverse("intake:queue")).status_code == 302  # sign in first
    login(client, world.citizen)
    assert client.get(reverse("intake:queue")).status_code == 403
    client.logout()
    login(client, officer(world.agency, Role.PROCESSING_OFFICER))
    assert client.get(reverse("intake:queue")).status_code == 403


def test_filters_and_counters(world, client):
    late = world.submitted(at(2026, 3, 5, 9, 0))  # due Thu 5 → Fri 6 9:00
    soon = world.submitted(at(2026, 3, 6, 8, 0), channel=Channel.DVCQG)  # due Mon 9 8:00
    fresh = world.submitted(at(2026, 3, 9, 10, 0), procedure=world.other_procedure)
    asked = world.submitted(at(2026, 3, 9, 9, 0))
    with time_machine.travel(at(2026, 3, 9, 9, 30), tick=False):
        services.ask_to_complete(asked, by=world.clerk, defects=["Thiếu tờ khai"])
    login(client, world.clerk)
    url = reverse("intake:queue")

    def codes(**params):
        with time_machine.travel(at(2026, 3, 9, 7, 45), tick=False):
            response = client.get(url, params)
        assert response.status_code == 200
        return response, {row["dossier"].code for row in response.context["rows"]}

    response, listed = codes()
    assert listed == {late.code, soon.code, fresh.code}
    counters = response.context["counters"]
    assert (counters.total, counters.late, counters.due_soon, counters.on_time) == (3, 1, 1, 1)
    assert 'data-testid="count-late">Quá hạn: 1' in response.content.decode()
    assert codes(punctuality="late")[1] == {late.code}
    assert codes(punctuality="due_soon")[1] == {soon.code}
    assert codes(punctuality="on_time")[1] == {fresh.code}
    assert codes(channel=Channel.DVCQG)[1] == {soon.code}
    assert codes(procedure=world.other_procedure.pk)[1] == {fresh.code}
    response, listed = codes(state=State.INCOMPLETE)
    assert listed == {asked.code}
    assert "chờ người nộp bổ sung" in response.content.decode()
    # A bad filter value is ignored, never an error.
    assert codes(procedure="abc", punctuality="whenever")[1] == {late.code, soon.code,
                                                                 fresh.code}


def test_late_intake_is_flagged_and_counted_but_never_blocks(world, client):
    dossier = world.submitted(at(2026, 3, 5, 9, 0))
    now = at(2026, 3, 9, 9, 0)
    assert selectors.is_late_intake(dossier, now)
    assert selectors.late_intake_count(world.clerk, now) == 1
    assert selectors.late_intake_count(world.foreign_clerk, now) == 0
    login(client, world.clerk)
    with time_machine.travel(now, tick=False):
        page = client.get(reverse("intake:dossier", args=[dossier.pk])).content.decode()
        assert 'data-testid="late-intake"' in page
        assert "quá hạn 8 giờ" in page  # Friday 9:00 → Monday 9:00: one working day late
        response = client.post(reverse("intake:accept", args=[dossier.pk]), follow=True)
    assert Dossier.objects.get(pk=dossier.pk).state == State.PROCESSING
    assert "Đã tiếp nhận hồ sơ" in response.content.decode()


def test_queue_pagination_and_bounded_queries(world, client, django_assert_max_num_queries):
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        for _ in range(55):
            dossier = services.start_draft(world.procedure, applicant=world.citizen)
            services.submit(dossier, by=world.citizen)
    login(client, world.clerk)
    url = reverse("intake:queue")
    client.get(url)  # warm the calendar and the province cache
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert len(response.context["rows"]) == 50
    assert response.context["counters"].total == 55
    with django_assert_max_num_queries(10):
        second = client.get(url, {"page": 2, "punctuality": "late"})
    assert len(second.context["rows"]) == 5
