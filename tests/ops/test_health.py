"""/healthz (database, Redis, worker heartbeat, last backup age) and the protected Prometheus
/metrics (O3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from portal.ops import metrics, tasks
from portal.ops.models import BackupRun, Heartbeat

pytestmark = pytest.mark.django_db


def _backup(hours_ago: float) -> None:
    at = timezone.now() - timedelta(hours=hours_ago)
    BackupRun.objects.create(started_at=at, finished_at=at, status=BackupRun.Status.SUCCEEDED,
                             size=10, path="/x")


@pytest.fixture
def healthy(settings):
    settings.REDIS_URL = ""
    tasks.heartbeat.delay()
    _backup(hours_ago=3)


def test_all_parts_ok(client, healthy):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["worker"]["age_seconds"] < 5
    assert body["checks"]["backup"]["age_seconds"] == pytest.approx(3 * 3600, abs=5)


def test_a_silent_worker_or_an_old_backup_degrade_but_keep_serving(client, healthy):
    Heartbeat.objects.update(at=timezone.now() - timedelta(minutes=6))
    body = client.get("/healthz").json()
    assert body["status"] == "degraded" and body["checks"]["worker"]["status"] == "degraded"
    Heartbeat.objects.update(at=timezone.now())
    BackupRun.objects.all().delete()
    _backup(hours_ago=27)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["backup"]["status"] == "degraded"
    BackupRun.objects.all().delete()
    assert client.get("/healthz").json()["checks"]["backup"]["error"] == (
        "no successful backup yet")


def test_database_down_answers_503(client, healthy, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"status": "down",
                                                     "error": "OperationalError"}


def test_redis_down_answers_503(client, healthy, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["status"] == "down"


def test_redis_up_is_reported(client, healthy, settings):
    import redis

    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379 in this run")
    settings.REDIS_URL = url
    assert client.get("/healthz").json()["checks"]["redis"] == {"status": "ok"}


# -- /metrics ----------------------------------------------------------------------------------


def test_metrics_need_a_token_or_an_allowed_address(client, settings):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics",
                      HTTP_AUTHORIZATION="Bearer s3cret-metrics-token").status_code == 200
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]  # the test client's address
    assert client.get("/metrics").status_code == 200


def test_metrics_report_latency_by_view_queue_outbox_lag_and_backup_age(
        client, settings, tmp_path):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    settings.CELERY_BROKER_URL = "filesystem://"
    queue = tmp_path / "queue"
    queue.mkdir()
    for n in range(3):
        (queue / f"{n}.msg").write_text("{}")
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(queue)}
    metrics.register_lag("test-outbox", lambda: 42.5)
    _backup(hours_ago=1)
    client.get("/healthz")
    client.get("/thu-tuc/khong-co-thu-tuc-nay/")
    try:
        text = client.get("/metrics").content.decode()
    finally:
        metrics._LAGS.pop("test-outbox")
    assert 'dvc_http_request_duration_seconds_count{method="GET",view="healthz"}' in text
    assert "khong-co-thu-tuc-nay" not in text  # labels are view names, never raw paths
    assert "dvc_celery_queue_length 3.0" in text
    assert 'dvc_outbox_lag_seconds{outbox="test-outbox"} 42.5' in text
    age = next(line for line in text.splitlines()
               if line.startswith("dvc_backup_age_seconds "))
    assert float(age.split()[1]) == pytest.approx(3600, abs=10)


def test_operators_see_backup_runs_and_health_on_their_page(client, healthy):
    from django.urls import reverse

    from portal.accounts.roles import Role
    from tests.factories import AgencyFactory, officer

    BackupRun.objects.create(status=BackupRun.Status.FAILED, error="pg_dump: disk full",
                             finished_at=timezone.now())
    client.force_login(officer(AgencyFactory(), Role.OPERATOR))
    page = client.get(reverse("ops:overview")).content.decode()
    assert page.count('data-testid="backup-run"') == 2
    assert 'data-status="failed"' in page and "pg_dump: disk full" in page
    assert 'data-part="worker" data-status="ok"' in page
    client.force_login(officer(AgencyFactory(), Role.AGENCY_LEADER))
    assert client.get(reverse("ops:overview")).status_code == 403
