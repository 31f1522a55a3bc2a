"""I1: operators' pages (dead letters, resend, calls, reconciliation) and the sync status on the
officer's dossier page; everyone else is refused."""

from __future__ import annotations

import pytest

from dossiers import services
from portal.accounts.roles import Role
from portal.dvcqg import outbox
from portal.dvcqg.models import OutboxEvent
from tests.dossiers.test_transitions import draft, setup  # noqa: F401
from tests.factories import AgencyFactory, officer

pytestmark = pytest.mark.django_db
URLS = ("/van-hanh/dvcqg/", "/van-hanh/dvcqg/nhat-ky-goi/", "/van-hanh/dvcqg/goi-den/",
        "/van-hanh/dvcqg/doi-soat/")


@pytest.fixture
def operator(db):
    return officer(AgencyFactory(), Role.OPERATOR)


def failed_world(setup, standin, settings):  # noqa: F811
    settings.DVCQG_MAX_ATTEMPTS = 1
    dossier = draft(setup)
    services.submit(dossier, by=setup[2])
    dossier.refresh_from_db()
    standin.fail_rate = 1.0
    outbox.deliver(budget_seconds=2)
    return dossier


def test_operator_sees_dead_letters_and_resends(client, operator, setup, standin,  # noqa: F811
                                                 settings):
    dossier = failed_world(setup, standin, settings)
    client.force_login(operator)
    page = client.get("/van-hanh/dvcqg/").content.decode()
    assert dossier.code in page and 'data-status="dead"' in page
    row = OutboxEvent.objects.get()
    standin.fail_rate = 0.0
    response = client.post(f"/van-hanh/dvcqg/su-kien/{row.pk}/gui-lai/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "pending" and row.attempts == 0
    outbox.deliver(budget_seconds=2)
    assert [e.record["MaHoSo"] for e in standin.events] == [dossier.code]
    calls = client.get("/van-hanh/dvcqg/nhat-ky-goi/?code=" + dossier.code).content.decode()
    assert calls.count('data-testid="call"') == 2  # the failure and the success, both logged
    recon = client.get("/van-hanh/dvcqg/doi-soat/").content.decode()
    assert 'data-status="1"' in recon and "data-mismatch" not in recon


def test_reconciliation_highlights_what_the_portal_did_not_acknowledge(client, operator,
                                                                       setup):  # noqa: F811
    dossier = draft(setup)
    services.submit(dossier, by=setup[2])  # no portal configured: the row waits
    client.force_login(operator)
    recon = client.get("/van-hanh/dvcqg/doi-soat/").content.decode()
    assert 'data-mismatch="1"' in recon


@pytest.mark.parametrize("url", URLS)
def test_pages_are_for_operators_only(client, setup, url):  # noqa: F811
    assert client.get(url).status_code == 302  # anonymous: to sign-in
    client.force_login(setup[3])  # an intake officer
    assert client.get(url).status_code == 403
    client.force_login(setup[2])  # a citizen
    assert client.get(url).status_code == 403


def test_resend_is_refused_to_non_operators(client, setup, standin, settings):  # noqa: F811
    failed_world(setup, standin, settings)
    row = OutboxEvent.objects.get()
    client.force_login(setup[3])
    assert client.post(f"/van-hanh/dvcqg/su-kien/{row.pk}/gui-lai/").status_code == 403
    row.refresh_from_db()
    assert row.status == "dead"


def test_the_officer_sees_the_dossier_sync_status(client, setup, standin, settings):  # noqa: F811
    dossier = failed_world(setup, standin, settings)
    client.force_login(setup[3])
    page = client.get(f"/mot-cua/ho-so/{dossier.pk}/").content.decode()
    assert 'data-sync="failed"' in page and "500" in page


def test_digest_and_metrics_show_failed_syncs(setup, standin, settings):  # noqa: F811
    from datetime import timedelta

    from django.utils import timezone

    from portal.ops import digest, metrics

    dossier = failed_world(setup, standin, settings)
    sections = {s.title: s for s in digest.build(timezone.now() - timedelta(hours=24))}
    lines = next(s.lines for title, s in sections.items() if "DVCQG" in title
                 or "Cổng" in title or "National" in title)
    assert any(dossier.code in line for line in lines)
    assert "dvc_outbox_lag_seconds" in metrics.render().decode()
