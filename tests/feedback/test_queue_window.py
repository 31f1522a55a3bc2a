"""The staff queue of an agency officer read branch by branch (``selectors.QueueWindow``): the
same items, order and count as the plain visibility query, with a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.core.paginator import Paginator
from django.urls import reverse

from feedback import selectors, services
from feedback.models import Category, Channel, Feedback

from .conftest import MONDAY, World


def _online(title: str) -> Feedback:
    return services.submit_online(title=title, content="Nội dung", sender_name="X",
                                  sender_phone="0900000000")


def _assigned(world: World, title: str, agency) -> Feedback:
    item = _online(title)
    services.classify(item, by=world.operator, category=Category.PROCEDURE)
    return services.assign(item, by=world.operator, agency=agency)


def _every_branch(world: World) -> dict[str, Feedback]:
    """One item per way the justice clerk sees an item, and two it does not see; received a
    day apart, not in the order they are created, so that the deadlines interleave the
    branches and differ from the ids' order."""
    items: dict[str, Feedback] = {}
    steps = [(3, "own"), (0, "entered"), (5, "asked"), (1, "moved"), (6, "other"),
             (2, "public"), (4, "own_answered")]
    for day, name in steps:
        with time_machine.travel(MONDAY + timedelta(days=day), tick=False):
            if name in ("own", "own_answered"):
                items[name] = _assigned(world, name, world.justice)
            elif name == "entered":  # entered by the clerk's agency, waiting for triage
                items[name] = services.enter_by_staff(
                    by=world.clerk, agency=world.justice, channel=Channel.HOTLINE,
                    received_at=MONDAY + timedelta(days=day), title=name, content="c",
                    sender_name="Y", sender_phone="0900000001")
            elif name in ("asked", "moved"):  # Y tế asks Tư pháp to contribute
                item = _assigned(world, name, world.health)
                items[name] = services.coordinate(item, by=world.health_officer,
                                                  agencies=[world.justice], note="Xin ý kiến")
            elif name == "other":
                items[name] = _assigned(world, name, world.health)
            else:
                items[name] = _online(name)
    # moved to Tư pháp after the coordination: assigned to it and still coordinating with it
    items["moved"] = services.assign(items["moved"], by=world.operator, agency=world.justice)
    items["own_answered"] = services.answer(items["own_answered"], by=world.clerk, text="Đã xử lý")
    return items


def test_window_matches_the_visibility_query_in_every_branch(world):
    items = _every_branch(world)
    now = MONDAY + timedelta(days=30)
    for state in ("", "all", "answered", "received"):
        for late in (False, True):
            plain = list(selectors.queue(world.clerk, state=state, late=late, now=now))
            window = selectors.QueueWindow(world.clerk, state=state, late=late, now=now)
            assert window.count() == len(plain)
            assert window[0:len(plain) + 5] == plain
            for size in (1, 2, 3):  # pages cut across the branches
                pages = Paginator(window, size)
                read = [f for n in pages.page_range for f in pages.page(n).object_list]
                assert read == plain, (state, late, size)
    every = selectors.QueueWindow(world.clerk, state="all", now=now)
    codes = {f.code for f in every[0:100]}
    assert codes == {items[k].code for k in ("own", "entered", "asked", "moved",
                                             "own_answered")}
    assert every.count() == 5  # "moved" is assigned to and coordinated with Tư pháp: once
    # the province's staff read everything, in the same order as the plain query
    everything = selectors.QueueWindow(world.operator, state="all", now=now)
    assert everything[0:100] == list(selectors.queue(world.operator, state="all", now=now))
    assert everything.count() == Feedback.objects.count()


def test_window_caps_the_count_of_a_search(world):
    with time_machine.travel(MONDAY, tick=False):
        for n in range(4):
            _assigned(world, f"Chậm trả kết quả {n}", world.justice)
    now = MONDAY + timedelta(days=1)
    capped = selectors.QueueWindow(world.clerk, q="cham tra", now=now, count_cap=3)
    assert capped.count() == 3
    assert len(capped[0:10]) == 4
    assert selectors.QueueWindow(world.clerk, q="cham tra", now=now).count() == 4


def test_officer_queue_pages_read_a_fixed_number_of_queries(client, world,
                                                             django_assert_max_num_queries):
    items = _every_branch(world)
    with time_machine.travel(MONDAY + timedelta(days=10), tick=False):  # due after those
        for n in range(60):
            _assigned(world, f"Phản ánh {n}", world.justice)
    with time_machine.travel(MONDAY + timedelta(days=30), tick=False):
        client.force_login(world.clerk)
        url = reverse("feedback:staff-queue")
        client.get(url)
        for query in ({}, {"page": 2}, {"late": "on"}, {"state": "all", "page": 2},
                      {"state": "all", "q": "phan anh"}):
            with django_assert_max_num_queries(10):
                response = client.get(url, query)
            assert response.status_code == 200
        page = client.get(url, {"state": "all", "page": 2}).context["page"]
        assert page.paginator.count == 65
        html = client.get(url, {"state": "all"}).content.decode()
        for name in ("own", "entered", "asked", "moved"):
            assert reverse("feedback:staff-item", args=[items[name].pk]) in html
        assert items["other"].code not in html and items["public"].code not in html
