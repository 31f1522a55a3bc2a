"""Feedback (K1-K3): deadlines, late entries, the state machine and its guards, the staff queue,
the public page without personal data, the sender's rating link, denials."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback import selectors, services
from feedback.models import Category, Channel, Feedback, FeedbackEvent, State
from portal.agencies.models import Province

from .conftest import MONDAY, PDF, VN, World, make_world

SENDER = {"sender_name": "Trần Thị Bích Ngọc", "sender_id_number": "038190005678",
          "sender_phone": "0912000111", "sender_email": "ngoc.tran@example.vn",
          "sender_address": "12 phố Lê Lợi, phường Hạc Thành"}


def online(**extra) -> Feedback:
    return services.submit_online(**{"title": "Chậm trả kết quả khai sinh",
                                     "content": "Hồ sơ khai sinh của tôi quá hạn.",
                                     **SENDER, **extra})


def assigned(world: World) -> Feedback:
    item = online()
    services.classify(item, by=world.operator, category=Category.DOSSIER)
    return services.assign(item, by=world.operator, agency=world.justice)


# -- deadlines (K2) --------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "due"), [
    # Received Monday 2/11 09:00. Working days Mon-Fri, no holiday before 24/11:
    # the period counts from the next working day and ends at the close (17:30) of the last:
    # 13 working days: 3,4,5,6 (4) + 9..13 (5) + 16..19 (4) = 13 → Thursday 19/11 17:30.
    (13, datetime(2026, 11, 19, 17, 30, tzinfo=VN)),
    # 10 working days: 3,4,5,6 (4) + 9..13 (5) + 16 (1) = 10 → Monday 16/11 17:30.
    (10, datetime(2026, 11, 16, 17, 30, tzinfo=VN)),
])
def test_deadline_follows_the_province_setting(db, days, due):
    make_world(deadline_days=days)
    with time_machine.travel(MONDAY, tick=False):
        item = online()
    assert Province.current().feedback_deadline_working_days == days
    assert item.due_at == due
    assert item.state == State.RECEIVED and item.code.startswith("PA-261102-")


def test_reassignment_keeps_the_original_deadline(world):
    with time_machine.travel(MONDAY, tick=False):
        item = assigned(world)
    due = item.due_at
    with time_machine.travel(MONDAY + timedelta(days=8), tick=False):
        item = services.assign(item, by=world.operator, agency=world.health, note="Sai cơ quan")
    assert item.agency == world.health and item.state == State.ASSIGNED
    assert item.due_at == due
    assert list(item.events.values_list("transition", flat=True)) == [
        "receive", "classify", "assign", "reassign"]


def test_staff_entry_more_than_8_working_hours_late_is_flagged(world):
    # Received by phone on Monday 09:00; 8 working hours (08:00-12:00, 13:30-17:30 days)
    # end on Tuesday ~09:00. Entered Monday 16:00: in time; entered Tuesday 15:00: late.
    with time_machine.travel(MONDAY.replace(hour=16), tick=False):
        in_time = services.enter_by_staff(by=world.clerk, agency=world.justice,
                                          channel=Channel.HOTLINE, received_at=MONDAY,
                                          title="Gọi đường dây nóng", content="Nội dung",
                                          sender_name="Lê Văn C", sender_phone="0900000001")
    with time_machine.travel(MONDAY + timedelta(days=1, hours=6), tick=False):
        late = services.enter_by_staff(by=world.clerk, agency=world.justice,
                                       channel=Channel.POST, received_at=MONDAY,
                                       title="Thư gửi qua bưu điện", content="Nội dung",
                                       sender_name="Lê Văn D", sender_phone="0900000002")
    assert not in_time.late_entry and late.late_entry
    # the deadline counts from the REAL received time, not the entry
    assert late.received_at == MONDAY and late.due_at == in_time.due_at


def test_staff_cannot_enter_for_another_agency(world):
    with pytest.raises(services.FeedbackError):
        services.enter_by_staff(by=world.clerk, agency=world.health, channel=Channel.EMAIL,
                                received_at=MONDAY, title="x", content="y",
                                sender_name="z", sender_email="z@example.vn")


# -- the state machine and its guards --------------------------------------------------------


def test_full_life_with_events_and_messages(world):
    with time_machine.travel(MONDAY, tick=False):
        item = online()
        assert len(mail.outbox) == 0  # sent after commit; tests run in a transaction
        services.classify(item, by=world.operator, category=Category.DOSSIER)
        services.assign(item, by=world.operator, agency=world.justice)
        services.coordinate(item, by=world.clerk, agencies=[world.health], note="Xin ý kiến")
        services.answer(item, by=world.clerk, text="Hồ sơ đã được trả kết quả ngày 5/11.")
        services.publish(item, by=world.leader)
    item.refresh_from_db()
    assert item.state == State.PUBLISHED and item.published_at is not None
    assert list(item.events.values_list("transition", "to_state")) == [
        ("receive", "received"), ("classify", "classified"), ("assign", "assigned"),
        ("coordinate", "coordinating"), ("answer", "answered"), ("publish", "published")]
    assert list(item.coordinating_agencies.all()) == [world.health]


def test_messages_to_the_sender_at_receipt_assignment_and_answer(world):
    from portal.notifications.models import Delivery

    item = online()
    services.classify(item, by=world.operator, category=Category.PROCEDURE)
    services.assign(item, by=world.operator, agency=world.justice)
    services.answer(item, by=world.clerk, text="Trả lời")
    sent = Delivery.objects.filter(address__in=["ngoc.tran@example.vn", "0912000111"])
    assert sorted(sent.values_list("kind", "channel")) == sorted(
        (kind, channel) for kind in ("feedback_received", "feedback_assigned",
                                     "feedback_answered") for channel in ("email", "sms"))
    answered = sent.get(kind="feedback_answered", channel="email")
    assert item.code in answered.subject and "/phan-anh/danh-gia/" in answered.body


def test_guards_refuse_the_wrong_people(world):
    item = online()
    with pytest.raises(services.FeedbackError):  # only province staff classify
        services.classify(item, by=world.clerk, category=Category.DOSSIER)
    services.classify(item, by=world.supervisor, category=Category.DOSSIER)
    services.assign(item, by=world.supervisor, agency=world.justice)
    with pytest.raises(services.FeedbackError):  # another agency's officer cannot answer
        services.answer(item, by=world.health_officer, text="x")
    services.answer(item, by=world.clerk, text="Trả lời")
    with pytest.raises(services.FeedbackError):  # only the agency leader publishes
        services.publish(item, by=world.clerk)
    with pytest.raises(services.FeedbackError):  # a transition from the wrong state
        services.classify(item, by=world.operator, category=Category.DOSSIER)


def test_reject_out_of_scope_needs_a_reason(world):
    item = online()
    with pytest.raises(services.FeedbackError):
        services.reject(item, by=world.operator, reason=" ")
    item = services.reject(item, by=world.operator, reason="Không thuộc lĩnh vực TTHC")
    assert item.state == State.REJECTED and item.category == Category.OUT_OF_SCOPE


def test_the_sender_rates_or_contests_with_the_link(world, client):
    with time_machine.travel(MONDAY, tick=False):
        item = assigned(world)
        # the token only travels in the message: capture it through the service
        token = "t" * 32
        import feedback.services as svc

        original = svc.secrets.token_urlsafe
        svc.secrets.token_urlsafe = lambda n=24: token  # type: ignore[assignment]
        try:
            services.answer(item, by=world.clerk, text="Đã giải quyết.")
        finally:
            svc.secrets.token_urlsafe = original  # type: ignore[assignment]
    url = reverse("feedback:rate", args=[token])
    assert client.get(url).status_code == 200
    client.post(url, {"rating": "4"})
    item.refresh_from_db()
    assert item.rating == 4
    response = client.post(url, {"reason": "Câu trả lời chưa đúng"})
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.state == State.ASSIGNED and item.agency == world.justice
    assert client.get(url).status_code == 404  # the link is spent once the item is reopened
    assert client.get(reverse("feedback:rate", args=["wrong"])).status_code == 404


# -- pages -----------------------------------------------------------------------------------


def test_anonymous_sender_needs_a_contact_and_is_rate_limited(client, world, settings):
    url = reverse("feedback:send")
    response = client.post(url, {"sender_name": "A", "title": "T", "content": "C"})
    assert response.status_code == 200 and not Feedback.objects.exists()
    settings.FEEDBACK_RATE_PER_HOUR = 2
    import feedback.views as views

    views.SEND_RATE_PER_HOUR = 3  # every post counts, the refused one above included
    try:
        data = {"sender_name": "A", "sender_phone": "0900000000", "title": "T", "content": "C"}
        assert client.post(url, data).status_code == 200
        assert client.post(url, data).status_code == 200
        assert client.post(url, data).status_code == 429
    finally:
        views.SEND_RATE_PER_HOUR = 5
    assert Feedback.objects.count() == 2


def test_attachments_are_checked_like_dossier_uploads(client, world):
    url = reverse("feedback:send")
    base = {"sender_name": "A", "sender_email": "a@example.vn", "title": "T", "content": "C"}
    fake = SimpleUploadedFile("anh.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {**base, "files": [fake]})
    assert response.status_code == 200 and not Feedback.objects.exists()
    good = SimpleUploadedFile("don.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {**base, "files": [good]})
    item = Feedback.objects.get()
    attachment = item.attachments.get()
    assert attachment.original_name == "don.pdf" and attachment.content_type == "application/pdf"
    assert attachment.file.name.startswith(f"feedback/{item.pk}/")
    # private: only staff who see the item download it
    download = reverse("feedback:staff-attachment", args=[attachment.pk])
    assert client.get(download).status_code == 302  # anonymous → sign in
    client.force_login(world.health_officer)
    assert client.get(download).status_code == 404  # another agency, item not theirs
    client.force_login(world.operator)
    assert client.get(download).status_code == 200


def test_public_page_never_shows_personal_data(client, world):
    item = assigned(world)
    services.answer(item, by=world.clerk, text="Sở Tư pháp đã trả kết quả khai sinh.")
    services.publish(item, by=world.leader)
    hidden = online(title="Chưa công bố", content="Nội dung riêng")
    pages = [client.get(reverse("feedback:public")),
             client.get(reverse("feedback:public-detail", args=[item.code]))]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200 and "Chậm trả kết quả khai sinh" in html
        for value in SENDER.values():
            assert value not in html
        assert "Chưa công bố" not in html
    assert client.get(reverse("feedback:public-detail", args=[hidden.code])).status_code == 404


def test_public_search_is_accent_insensitive_and_filterable(client, world):
    item = assigned(world)
    services.answer(item, by=world.clerk, text="Đã xử lý")
    services.publish(item, by=world.leader)
    url = reverse("feedback:public")
    assert item.code in client.get(url, {"q": "cham tra ket qua"}).content.decode()
    assert item.code in client.get(url, {"agency": world.justice.pk}).content.decode()
    assert item.code not in client.get(url, {"agency": world.health.pk}).content.decode()
    assert item.code not in client.get(url, {"q": "giay phep xay dung"}).content.decode()


def test_queue_is_scoped_per_agency_and_shows_late_items(client, world,
                                                          django_assert_max_num_queries):
    with time_machine.travel(MONDAY, tick=False):
        mine = assigned(world)
        other = online(title="Khác")
        services.classify(other, by=world.operator, category=Category.PROCEDURE)
        services.assign(other, by=world.operator, agency=world.health)
        for n in range(30):
            services.submit_online(title=f"Phản ánh {n}", content="c", sender_name="X",
                                   sender_phone="0900000000")
    with time_machine.travel(MONDAY + timedelta(days=30), tick=False):
        client.force_login(world.clerk)
        response = client.get(reverse("feedback:staff-queue"))
        html = response.content.decode()
        assert mine.code in html and other.code not in html
        assert 'data-late="1"' in html
        client.force_login(world.operator)
        with django_assert_max_num_queries(10):
            response = client.get(reverse("feedback:staff-queue"))
        assert response.context["page"].paginator.count == 32
        late = client.get(reverse("feedback:staff-queue"), {"late": "on"}).context["page"]
        assert late.paginator.count == 32
        # an agency's officer: its assigned items and those it coordinates on, ≤ 10 queries
        services.coordinate(other, by=world.health_officer, agencies=[world.justice],
                            note="Xin ý kiến Sở Tư pháp")
        client.force_login(world.clerk)
        with django_assert_max_num_queries(10):
            page = client.get(reverse("feedback:staff-queue")).context["page"]
        assert {f.code for f in page.object_list} == {mine.code, other.code}


def test_public_list_reads_a_fixed_number_of_queries(client, world,
                                                     django_assert_max_num_queries):
    for n in range(12):
        item = services.submit_online(title=f"Câu hỏi {n}", content="c", sender_name="X",
                                      sender_phone="0900000000")
        services.classify(item, by=world.operator, category=Category.PROCEDURE)
        services.assign(item, by=world.operator, agency=world.justice)
        services.answer(item, by=world.clerk, text="Trả lời")
        services.publish(item, by=world.leader)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("feedback:public"))
    assert len(response.context["page"].object_list) == 12


def test_staff_pages_deny_other_agencies_and_citizens(client, world):
    item = assigned(world)
    detail = reverse("feedback:staff-item", args=[item.pk])
    client.force_login(world.health_officer)
    assert client.get(detail).status_code == 404
    assert client.post(reverse("feedback:staff-action", args=[item.pk, "answer"]),
                       {"text": "x"}).status_code == 404
    client.force_login(world.citizen)
    assert client.get(reverse("feedback:staff-queue")).status_code == 403
    assert client.get(detail).status_code == 403
    client.force_login(world.clerk)
    assert client.get(detail).status_code == 200
    client.post(reverse("feedback:staff-action", args=[item.pk, "answer"]), {"text": "Trả lời"})
    item.refresh_from_db()
    assert item.state == State.ANSWERED
    # a clerk cannot publish (leader only), the page says so instead of failing
    client.post(reverse("feedback:staff-action", args=[item.pk, "publish"]))
    item.refresh_from_db()
    assert item.state == State.ANSWERED


def test_selector_late_rules(world):
    with time_machine.travel(MONDAY, tick=False):
        item = assigned(world)
    now = item.due_at + timedelta(hours=1)
    assert selectors.is_late(item, now)
    with time_machine.travel(now, tick=False):
        services.answer(item, by=world.clerk, text="Muộn")
    item.refresh_from_db()
    assert selectors.is_late(item, now + timedelta(days=5))
    assert FeedbackEvent.objects.filter(feedback=item).count() == 4


def test_staff_entry_page_records_the_real_received_time(client, world):
    client.force_login(world.clerk)
    url = reverse("feedback:staff-enter")
    assert client.get(url).status_code == 200
    data = {"channel": Channel.POST, "received_at": "2026-11-02T09:00", "agency": world.justice.pk,
            "sender_name": "Lê Văn E", "sender_phone": "0900000005", "title": "Thư phản ánh",
            "content": "Nội dung thư"}
    with time_machine.travel(MONDAY + timedelta(days=2), tick=False):
        response = client.post(url, data)
        # another agency is not among the choices: refused by the form
        refused = client.post(url, {**data, "agency": world.health.pk, "title": "Khác"})
    item = Feedback.objects.get(title="Thư phản ánh")
    assert response.status_code == 302 and item.received_at == MONDAY
    assert item.late_entry and item.entered_by == world.clerk
    assert refused.status_code == 200 and not Feedback.objects.filter(title="Khác").exists()
    client.force_login(world.citizen)
    assert client.get(url).status_code == 403
