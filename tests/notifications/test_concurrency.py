"""Two sweeps or two workers at once (PostgreSQL): each warning and each delivery exactly once."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from dossiers.models import Dossier
from dossiers.timers import sweep
from portal.notifications.models import Delivery, Message
from portal.notifications.services import notify, send_delivery
from tests.notifications.test_timers import World

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks and concurrent transactions need PostgreSQL"),
]


def together(fn, n=4):
    barrier = threading.Barrier(n)
    errors = []

    def run():
        try:
            barrier.wait()
            fn()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_concurrent_sweeps_warn_once():
    w = World()
    dossier = w.submitted()
    Dossier.objects.filter(pk=dossier.pk).update(intake_due_at=timezone.now() + timedelta(
        minutes=30))
    together(sweep)
    assert Message.objects.filter(user=w.clerk, kind="intake_due_soon").count() == 1


def test_concurrent_workers_send_a_delivery_once():
    notify(kind="t", subject="S", body="B", email="a@example.vn")
    mail.outbox.clear()  # sent on commit already: make it due again as if never sent
    Delivery.objects.update(status="pending", sent_at=None, next_attempt_at=timezone.now())
    pk = Delivery.objects.get().pk
    together(lambda: send_delivery(pk))
    assert len(mail.outbox) == 1
