"""D10: the in-app inbox at /thong-bao/ — a user sees and changes only their own messages."""

import pytest
from django.urls import reverse

from portal.notifications.models import Message
from portal.notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(client):
    an, binh = UserFactory(full_name="Nguyễn Văn An"), UserFactory(full_name="Trần Thị Bình")
    notify(kind="t", subject="Hồ sơ của An đã được tiếp nhận", body="Chi tiết A", user=an,
           link="/ho-so/cua-toi/1/", in_app=True, email="-")
    notify(kind="t", subject="Thư của An số 2", body="B", user=an, email="-")
    notify(kind="t", subject="Hồ sơ của Bình", body="Bí mật của Bình", user=binh, email="-")
    client.force_login(an)
    return an, binh


def test_the_inbox_lists_only_my_messages_and_counts_unread(client, people):
    response = client.get(reverse("notifications:inbox"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hồ sơ của An đã được tiếp nhận" in page and "Thư của An số 2" in page
    assert "Bình" not in page.replace("Trần Thị Bình", "")
    assert 'data-testid="unread-count"' in page and ">2</span>" in page


def test_marking_read_and_opening(client, people):
    an, _binh = people
    first = Message.objects.get(subject__startswith="Hồ sơ của An")
    response = client.post(reverse("notifications:open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/ho-so/cua-toi/1/"
    first.refresh_from_db()
    assert first.read_at is not None
    page = client.get(reverse("notifications:inbox") + "?chua-doc=1").content.decode()
    assert "Thư của An số 2" in page and "Hồ sơ của An đã được tiếp nhận" not in page
    client.post(reverse("notifications:read_all"))
    assert not Message.objects.filter(user=an, read_at__isnull=True).exists()
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()


def test_someone_elses_message_is_not_found(client, people):
    _an, binh = people
    theirs = Message.objects.get(user=binh)
    for name in ("notifications:open", "notifications:read"):
        assert client.post(reverse(name, args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.post(reverse("notifications:read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_an_outside_link_is_not_followed(client, people):
    an, _binh = people
    message = Message.objects.create(user=an, kind="t", subject="x", link="https://evil.example/")
    response = client.post(reverse("notifications:open", args=[message.pk]))
    assert response["Location"] == reverse("notifications:inbox")


def test_anonymous_users_are_sent_to_sign_in_and_get_is_refused(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and "next=" in response["Location"]
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("notifications:read_all")).status_code == 405


def test_demo_accounts_find_a_welcome_message_once():
    from portal.notifications.demo import seed_notifications
    from portal.ops.demo import SEEDERS, seed

    assert seed_notifications in SEEDERS
    seed()
    seed_notifications()  # again: no second message
    from portal.accounts.models import User

    citizen = User.objects.get(username="congdan")
    assert list(Message.objects.filter(user=citizen).values_list("kind", flat=True)) == [
        "welcome"]
