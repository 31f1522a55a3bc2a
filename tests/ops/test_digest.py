"""The daily digest to operators (O3): registered sections (others plug in theirs), overdue
dossiers per agency, the last backup; sent once per day; a broken section does not stop it."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from dossiers import services as dossier_services
from dossiers.models import Dossier
from portal.accounts.roles import Role
from portal.ops import digest
from portal.ops.models import BackupRun, SupportRequest
from tests.dossiers.test_citizen_submission import complete_draft, make_world
from tests.factories import AgencyFactory, officer

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_digest_lists_overdue_dossiers_per_agency_and_the_last_backup(
        django_capture_on_commit_callbacks):
    operator = officer(AgencyFactory(), Role.OPERATOR, email="vanhanh@example.vn")
    world = make_world()
    dossier = complete_draft(world)
    dossier_services.submit(dossier, by=world.citizen)
    dossier = Dossier.objects.get(pk=dossier.pk)
    finished = timezone.now() - timedelta(hours=5)
    BackupRun.objects.create(status=BackupRun.Status.SUCCEEDED, finished_at=finished,
                             started_at=finished, size=5 * 1048576, path="/srv/b/dvc-1")
    calls = []
    digest.register("Failed syncs to DVCQG", lambda since: calls.append(since) or ["H56-1: 500"])
    digest.register("Broken section", lambda since: 1 / 0)
    try:
        later = dossier.intake_due_at + timedelta(hours=1)
        BackupRun.objects.create(status=BackupRun.Status.FAILED, error="pg_dump: disk full",
                                 started_at=later - timedelta(hours=2))
        with time_machine.travel(later, tick=False), \
                django_capture_on_commit_callbacks(execute=True):
            assert digest.send_digest() >= 1
            assert digest.send_digest() == 0  # once per day, whatever the retries
    finally:
        digest._SECTIONS.pop("Failed syncs to DVCQG")
        digest._SECTIONS.pop("Broken section")
    sent = [m for m in mail.outbox if operator.email in m.to]
    assert len(sent) == 1
    body = sent[0].body
    assert "UBND phường Hạc Thành: 1 hồ sơ quá hạn tiếp nhận, 0 hồ sơ quá hạn trả kết quả" in body
    assert "/srv/b/dvc-1" in body and "5.0 MB" in body
    assert "pg_dump: disk full" in body
    assert "H56-1: 500" in body and calls  # a section registered by another app
    assert "Không lập được mục này." in body  # the broken one, reported, not fatal


def test_late_support_requests_are_in_the_digest():
    user = officer(AgencyFactory(name="Sở Y tế"), Role.INTAKE_OFFICER)
    now = timezone.now()
    SupportRequest.objects.create(agency=user.memberships.get().agency, requester=user,
                                  subject="Mất kết nối", body="...", created_at=now,
                                  due_at=now - timedelta(minutes=1))
    lines = digest.late_support_requests(now - timedelta(days=1))
    assert len(lines) == 1 and "Sở Y tế: Mất kết nối" in lines[0]


def test_the_digest_is_scheduled_every_morning():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="ops.daily_digest")
    assert (task.crontab.hour, task.crontab.minute) == ("7", "0")
    assert str(task.crontab.timezone) == "Asia/Ho_Chi_Minh"
