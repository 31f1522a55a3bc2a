"""D5: the processing queue and the processing dossier page — who sees which steps, the order
and badges, bounded queries, 404 for another agency, the actions as POST forms with CSRF, the
control slip page and PDF."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers import processing
from dossiers.models import Dossier, DossierStep
from dossiers.states import State
from portal.accounts.models import Membership
from portal.accounts.roles import Role
from tests.dossiers.test_processing import UNIT, World, at, step_of, travel
from tests.factories import officer


@pytest.fixture
def world(db) -> World:
    return World()


def codes(response) -> list[str]:
    return [row["dossier"].code for row in response.context["rows"]]


def test_each_officer_sees_the_steps_they_hold_or_may_take(world, client):
    first = world.received(at(2026, 3, 9, 9, 0))
    second = world.received(at(2026, 3, 9, 8, 0))  # earlier: due first
    processing.assign_step(first, by=world.leader, assignee=world.first)
    with travel(at(2026, 3, 9, 10, 0)):
        client.force_login(world.first)
        response = client.get(reverse("processing:queue"))
        assert response.status_code == 200
        assert codes(response) == [second.code, first.code]  # oldest due first
        page = response.content.decode()
        assert "còn 7 giờ làm việc" in page  # step of `first`: due Tuesday 9:00
        assert response.context["counters"].mine == 1
        assert response.context["counters"].unassigned == 1
        mine = client.get(reverse("processing:queue"), {"scope": "mine"})
        assert codes(mine) == [first.code]
        # the second officer of the unit sees only the unassigned one
        client.force_login(world.second)
        assert codes(client.get(reverse("processing:queue"))) == [second.code]
        # another unit, another agency, the intake clerk: nothing
        client.force_login(world.outsider)
        assert codes(client.get(reverse("processing:queue"))) == []
        client.force_login(world.stranger)
        assert codes(client.get(reverse("processing:queue"))) == []
        assert client.get(reverse("processing:dossier", args=[first.pk])).status_code == 404
        assert client.get(reverse("processing:slip", args=[first.pk])).status_code == 404
        assert client.post(reverse("processing:take", args=[first.pk])).status_code == 404
        client.force_login(world.clerk)
        assert client.get(reverse("processing:queue")).status_code == 403
        client.force_login(world.citizen)
        assert client.get(reverse("processing:queue")).status_code == 403
        # the leader sees every step of the agency
        client.force_login(world.leader)
        assert codes(client.get(reverse("processing:queue"))) == [second.code, first.code]


def test_the_other_agency_sees_a_forwarded_step_and_its_dossier(world, client):
    dossier = world.received()
    processing.complete_step(dossier, by=world.first)
    client.force_login(world.taxman)
    assert codes(client.get(reverse("processing:queue"))) == []
    processing.forward_step(dossier, by=world.first)
    assert codes(client.get(reverse("processing:queue"))) == [dossier.code]
    page = client.get(reverse("processing:dossier", args=[dossier.pk])).content.decode()
    assert 'data-testid="return"' in page and 'data-testid="complete"' not in page


def test_late_and_stopped_badges_and_filters(world, client):
    late = world.received(at(2026, 3, 2, 9, 0))
    waiting = world.received(at(2026, 3, 9, 9, 0))
    with travel(at(2026, 3, 9, 10, 0)):
        processing.ask_supplement(waiting, by=world.first, missing=["Tờ khai"])
        # the queue reads the pause from the open step, kept in the same transition
        assert DossierStep.objects.get(dossier=waiting, finished_at=None).clock_stopped
        assert not DossierStep.objects.get(dossier=late, finished_at=None).clock_stopped
        client.force_login(world.leader)
        response = client.get(reverse("processing:queue"))
        badges = {row["dossier"].code: row["badge"] for row in response.context["rows"]}
        assert badges[late.code]["punctuality"] == "late"
        assert badges[late.code]["text"].startswith("quá hạn")
        assert badges[waiting.code] == {"punctuality": "waiting", "text": "đang tạm dừng"}
        assert codes(client.get(reverse("processing:queue"), {"punctuality": "late"})) == \
            [late.code]
        assert codes(client.get(reverse("processing:queue"), {"state": "waiting"})) == \
            [waiting.code]
        counters = response.context["counters"]
        assert (counters.total, counters.late, counters.waiting) == (2, 1, 1)


def test_queue_pagination_and_bounded_queries(world, client, django_assert_max_num_queries):
    for day in range(2, 7):
        for hour in (8, 9, 10, 13, 14, 15, 16):
            for _n in range(2):
                world.received(at(2026, 3, day, hour, 0))
    client.force_login(world.leader)
    with travel(at(2026, 3, 9, 10, 0)):
        client.get(reverse("processing:queue"))  # warms the caches (province, agency tree)
        with django_assert_max_num_queries(10):
            response = client.get(reverse("processing:queue"))
        assert len(response.context["rows"]) == 50
        assert response.context["counters"].total == 70
        with django_assert_max_num_queries(10):
            second = client.get(reverse("processing:queue"), {"page": 2, "scope": "unassigned",
                                                              "procedure": world.procedure.pk})
        assert len(second.context["rows"]) == 20
    client.force_login(world.first)
    client.get(reverse("processing:queue"))
    with django_assert_max_num_queries(10):
        client.get(reverse("processing:queue"))


def test_counters_are_reused_until_a_step_changes(world, client):
    """Reloading the queue does not count again; an action on a step of the agency, or the
    clock passing a due instant, shows in the counters on the next load."""
    first = world.received(at(2026, 3, 9, 8, 0))
    world.received(at(2026, 3, 9, 9, 0))
    client.force_login(world.leader)
    with travel(at(2026, 3, 9, 10, 0)):
        response = client.get(reverse("processing:queue"))
        assert (response.context["counters"].unassigned, response.context["counters"].late) \
            == (2, 0)
        with CaptureQueriesContext(connection) as cold:
            client.get(reverse("processing:queue"), {"scope": "unassigned"})
        with CaptureQueriesContext(connection) as warm:
            again = client.get(reverse("processing:queue"), {"scope": "unassigned"})
        assert len(warm) == len(cold) - 1  # the counting query is not run again
        assert again.context["counters"].unassigned == 2
        processing.assign_step(first, by=world.leader, assignee=world.first)
        after = client.get(reverse("processing:queue"), {"scope": "unassigned"})
        assert after.context["counters"].unassigned == 1
        assert after.context["counters"].matching == 1
        assert codes(after) == [Dossier.objects.exclude(pk=first.pk).get().code]
    # two days later both steps are overdue: the counters follow the clock, with no write
    with travel(at(2026, 3, 11, 10, 0)):
        late = client.get(reverse("processing:queue"))
        assert late.context["counters"].late == 2


def test_the_head_of_a_unit_sees_and_assigns_every_step_of_it(world, client):
    head = officer(world.agency, Role.PROCESSING_OFFICER, full_name="Trưởng Phòng")
    Membership.objects.filter(user=head).update(unit=UNIT, leads_unit=True,
                                                started_at=at(2020, 1, 1))
    held = world.received(at(2026, 3, 9, 8, 0))
    free = world.received(at(2026, 3, 9, 9, 0))
    processing.assign_step(held, by=world.leader, assignee=world.first)
    with travel(at(2026, 3, 9, 10, 0)):
        client.force_login(world.second)  # a member sees only what is free to take
        assert codes(client.get(reverse("processing:queue"))) == [free.code]
        client.force_login(head)
        response = client.get(reverse("processing:queue"))
        assert codes(response) == [held.code, free.code]
        assert response.context["counters"].total == 2
        page = client.get(reverse("processing:dossier", args=[held.pk])).content.decode()
        assert 'data-testid="assign"' in page
        client.post(reverse("processing:assign", args=[held.pk]), {"assignee": world.second.pk})
    assert step_of(held).assignee == world.second


def test_the_dossier_page_and_the_actions(world, client):
    dossier = world.received()
    client.force_login(world.first)
    page = client.get(reverse("processing:dossier", args=[dossier.pk])).content.decode()
    assert 'data-testid="take"' in page and 'data-testid="slip-link"' in page
    assert 'data-testid="assign"' not in page  # not a lead
    assert 'data-clock="running"' in page
    assert client.get(reverse("processing:take", args=[dossier.pk])).status_code == 405
    response = client.post(reverse("processing:take", args=[dossier.pk]), follow=True)
    assert "Bạn đã nhận xử lý bước này." in response.content.decode()
    assert step_of(dossier).assignee == world.first
    response = client.post(reverse("processing:complete", args=[dossier.pk]),
                           {"note": "Đủ điều kiện"}, follow=True)
    assert step_of(dossier).order == 2
    response = client.post(reverse("processing:send_back", args=[dossier.pk]), {"reason": ""},
                           follow=True)
    assert step_of(dossier).order == 2  # a reason is required
    response = client.post(reverse("processing:ask_supplement", args=[dossier.pk]),
                           {"missing": "Bản sao sổ hộ khẩu\nTờ khai"}, follow=True)
    page = response.content.decode()
    assert 'data-clock="stopped"' in page and "Bản sao sổ hộ khẩu" in page
    dossier.refresh_from_db()
    assert dossier.state == State.WAITING_SUPPLEMENT
    # a leader assigns and apologises; the apology form validates the date
    client.force_login(world.leader)
    page = client.get(reverse("processing:dossier", args=[dossier.pk])).content.decode()
    assert 'data-testid="apologise"' in page and 'data-testid="stop"' in page
    response = client.post(reverse("processing:stop", args=[dossier.pk]),
                           {"reason": "Không đủ điều kiện"}, follow=True)
    assert Dossier.objects.get(pk=dossier.pk).state == State.STOPPED


def test_actions_need_the_csrf_token(world):
    dossier = world.received()
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.first)
    assert client.post(reverse("processing:take", args=[dossier.pk])).status_code == 403
    assert step_of(dossier).assignee is None


def test_leader_assigns_from_the_units_people(world, client):
    dossier = world.received()
    client.force_login(world.leader)
    response = client.get(reverse("processing:dossier", args=[dossier.pk]))
    choices = dict(response.context["assign_form"].fields["assignee"].choices)
    assert world.first.pk in choices and world.second.pk in choices
    assert world.outsider.pk not in choices  # another unit
    client.post(reverse("processing:assign", args=[dossier.pk]),
                {"assignee": world.second.pk})
    assert step_of(dossier).assignee == world.second
    # a user id outside the list is refused by the form
    client.post(reverse("processing:assign", args=[dossier.pk]),
                {"assignee": world.stranger.pk})
    assert step_of(dossier).assignee == world.second


def test_control_slip_page_and_pdf(world, client):
    dossier = world.received()
    with travel(at(2026, 3, 9, 14, 0)):
        processing.complete_step(dossier, by=world.first)
    client.force_login(world.first)
    html = client.get(reverse("processing:slip", args=[dossier.pk])).content.decode()
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in html.upper()
    assert "Trước hạn" in html and UNIT in html
    pdf = client.get(reverse("processing:slip", args=[dossier.pk]), {"pdf": 1})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_intake_page_links_to_processing_for_who_may_open_it(world, client):
    from portal.accounts.models import Membership
    from portal.accounts.roles import Role

    dossier = world.received()
    client.force_login(world.clerk)
    page = client.get(reverse("intake:dossier", args=[dossier.pk])).content.decode()
    assert 'data-testid="processing-link"' not in page
    Membership.objects.create(user=world.clerk, agency=world.agency,
                              role=Role.PROCESSING_OFFICER, started_at=at(2020, 1, 1))
    page = client.get(reverse("intake:dossier", args=[dossier.pk])).content.decode()
    assert reverse("processing:dossier", args=[dossier.pk]) in page
