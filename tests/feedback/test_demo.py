"""The demo seeder: items in each state, idempotent, and the index computed for last month."""

from __future__ import annotations

import pytest

from feedback.models import Feedback, State
from reports.models import IndexPeriod


@pytest.mark.django_db
def test_demo_seeder_is_idempotent(settings):
    from feedback.demo import seed_feedback
    from portal.ops.demo import SEEDERS, seed

    assert seed_feedback in SEEDERS
    seed()
    states = set(Feedback.objects.values_list("state", flat=True))
    assert states >= {State.RECEIVED, State.CLASSIFIED, State.ASSIGNED, State.COORDINATING,
                      State.ANSWERED, State.PUBLISHED, State.CLOSED, State.REJECTED}
    count = Feedback.objects.count()
    seed_feedback()
    assert Feedback.objects.count() == count
    assert IndexPeriod.objects.filter(kind="month", computed_at__isnull=False).count() == 1
