"""The 766 index (K4, LEGAL-NOTES §7) on a small data set computed by hand: October 2026,
"Sở Tư pháp" (a department) with dossiers, procedures, decisions, feedback and survey answers;
a commune and another department with nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from dossiers.models import Dossier, DossierFile, DossierResult
from dossiers.states import Channel, Delivery, State
from feedback.models import Feedback, SurveyAnswer
from feedback.models import State as FState
from portal.accounts.roles import Role
from procedures.models import DecisionItem, DossierComponent, Fee, PublicationDecision
from procedures.services import publish
from reports import index766, tasks
from reports.models import IndexPeriod, IndexScore, IndicatorValue
from tests.factories import UserFactory, officer
from tests.feedback.conftest import VN, make_world
from tests.procedures.factories import ProcedureFactory


def at(day: int, month: int = 10, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=VN)


@pytest.fixture
def data(db):
    w = make_world()
    j = w.justice
    full = ProcedureFactory(owner_agency=j, online_level="full", steps="Bước 1", result="QĐ")
    DossierComponent.objects.create(procedure=full, order=1, name="Tờ khai", copies=1)
    counter = ProcedureFactory(owner_agency=j, online_level="none", steps="", result="QĐ")
    for p in (full, counter):
        Fee.objects.create(procedure=p, amount_vnd=10000)
    v_full, v_counter = publish(full), publish(counter)

    def dossier(n: int, version, **kw) -> Dossier:
        return Dossier.objects.create(
            code=f"D{n}", procedure=version.procedure, procedure_version=version,
            receiving_agency=j, applicant_name=f"Người {n}", **kw)

    def signed(d: Dossier) -> None:
        DossierResult.objects.create(dossier=d, title="KQ", file="r.pdf",
                                     signed_file="r-signed.pdf", signed_at=d.settled_at)

    d1 = dossier(1, v_full, state=State.RETURNED, channel=Channel.ONLINE,
                 delivery=Delivery.ONLINE, received_at=at(5), processing_due_at=at(15),
                 settled_at=at(10), synced_at=at(10))
    d2 = dossier(2, v_counter, state=State.RETURNED, channel=Channel.COUNTER,
                 delivery=Delivery.COUNTER, received_at=at(6), processing_due_at=at(16),
                 settled_at=at(20))
    dossier(3, v_full, state=State.SETTLED, channel=Channel.ONLINE,
            delivery=Delivery.ONLINE, received_at=at(7), processing_due_at=at(20),
            settled_at=at(12), apologised_at=at(9), synced_at=at(8))
    dossier(4, v_full, state=State.PROCESSING, channel=Channel.ONLINE,
            delivery=Delivery.ONLINE, received_at=at(8), processing_due_at=at(30),
            synced_at=at(8))
    d5 = dossier(5, v_full, state=State.RETURNED, channel=Channel.ONLINE,
                 delivery=Delivery.ONLINE, received_at=at(20, 9), processing_due_at=at(5),
                 settled_at=at(2))
    for d in (d1, d2, d5):
        signed(d)
    for d, digitized, reused in [(d1, False, True), (d1, False, False), (d2, True, False),
                                 (d2, False, False)]:
        DossierFile.objects.create(dossier=d, file="f.pdf", original_name="f.pdf",
                                   content_type="application/pdf", size=1, sha256="0",
                                   digitized=digitized, reused=reused)
    # decisions: A received Thu 1/10, live Tue 6/10 (due: 5 working days → Thu 8/10 17:30);
    # B received Mon 12/10, live Fri 23/10 (due Mon 19/10 17:30): late.
    a = PublicationDecision.objects.create(number="A", signed_on=date(2026, 9, 30), signer="x",
                                           received_at=at(1), applied_at=at(6))
    b = PublicationDecision.objects.create(number="B", signed_on=date(2026, 10, 9), signer="x",
                                           received_at=at(12), applied_at=at(23))
    DecisionItem.objects.create(decision=a, procedure=full, change=DecisionItem.Change.NEW)
    DecisionItem.objects.create(decision=b, procedure=counter, change=DecisionItem.Change.NEW)
    DecisionItem.objects.create(decision=b, procedure=full, change=DecisionItem.Change.AMENDED)

    def feedback(n: int, state: str, **kw) -> Feedback:
        return Feedback.objects.create(
            code=f"PA-{n}", channel="portal", sender_name="x", title="t", content="c",
            state=state, received_at=at(1), entered_at=at(1), **kw)

    feedback(1, FState.PUBLISHED, agency=j, due_at=at(14), first_answered_at=at(10),
             rating=5, rated_at=at(11))
    feedback(2, FState.ANSWERED, agency=j, due_at=at(14), first_answered_at=at(16),
             rating=2, rated_at=at(17))
    feedback(3, FState.ASSIGNED, agency=j, due_at=at(14))
    feedback(4, FState.REJECTED, due_at=at(14))
    for intake, handling, day in [(5, 5, date(2026, 10, 3)), (4, 4, date(2026, 10, 9)),
                                  (3, 4, date(2026, 10, 30)), (1, 1, date(2026, 9, 30))]:
        SurveyAnswer.objects.create(agency=j, answered_on=day, intake_score=intake,
                                    handling_score=handling)
    return w


def values(period: IndexPeriod, agency) -> dict[str, IndicatorValue]:
    return {v.code: v for v in IndicatorValue.objects.filter(period=period, agency=agency)}


def test_each_indicator_on_the_hand_computed_set(data):
    period = index766.compute_period("month", date(2026, 10, 15))
    assert (period.start, period.end) == (date(2026, 10, 1), date(2026, 11, 1))
    v = values(period, data.justice)

    def check(code: str, num: int, den: int, score: str) -> None:
        assert (v[code].numerator, v[code].denominator, v[code].score) == (
            num, den, Decimal(score)), code

    # 1.1 new procedures on time: A's item live 6/10 ≤ 8/10 ✓, B's 23/10 > 19/10 ✗ → 1/2 × 6
    check("1.1", 1, 2, "3.00")
    # 1.2 amended (B, late) → 0/1 × 4
    check("1.2", 0, 1, "0.00")
    # 1.3 full content: "full" has steps, time, result, a component; "counter" has no steps
    check("1.3", 1, 2, "1.00")
    # 1.4 received in October D1-D4; synced D1, D3, D4 → 3/4 × 6 = 4.50
    check("1.4", 3, 4, "4.50")
    # 2.1 settled in October D1, D2, D3, D5; on time D1, D5 (D2 late, D3 apologised) → 2/4 × 20
    check("2.1", 2, 4, "10.00")
    # 3.1 full-online procedure, received in October: D1, D3, D4; fully online with a signed
    # result: D1 → 1/3 × 12 = 4.00
    check("3.1", 1, 3, "4.00")
    # 4.1 published procedures with fees: 2; accepting online dossiers: "full" → 1/2 × 2
    check("4.1", 1, 2, "1.00")
    assert v["4.2"].status == v["4.3"].status == IndicatorValue.Status.NO_DATA
    # 5.1 feedback due in October (rejected excluded): 3; first answered by the due time: 1
    check("5.1", 1, 3, "2.00")
    # 5.2 ratings in October: 5 and 2; rated 4-5: 1 → 1/2 × 6
    check("5.2", 1, 2, "3.00")
    # 5.3 October survey answers 10, 8, 7 points; ≥ 8: 2 → 2/3 × 6 = 4.00
    check("5.3", 2, 3, "4.00")
    # 6.1 settled in October: 4; signed electronic result: D1, D2, D5 → 3/4 × 6
    check("6.1", 3, 4, "4.50")
    # 6.2 papers of counter/postal dossiers received in October (D2: 2); scanned: 1 → 1/2 × 4
    check("6.2", 1, 2, "2.00")
    # 6.3 papers of dossiers received in October: 4; reused: 1 → 1/4 × 2 = 0.50
    check("6.3", 1, 4, "0.50")

    score = IndexScore.objects.get(period=period, agency=data.justice)
    groups = {k: Decimal(x) for k, x in score.groups.items()}
    assert groups == {
        "public": Decimal("8.50"),        # 3.00 + 0.00 + 1.00 + 4.50 (of 18)
        "progress": Decimal("10.00"),
        "online": Decimal("4.00"),
        "payment": Decimal("5.00"),       # only 4.1 measured: 1.00 / 2 × 10
        "satisfaction": Decimal("9.00"),  # 2.00 + 3.00 + 4.00
        "digitization": Decimal("12.83"),  # (4.50 + 2.00 + 0.50) / 12 × 22 = 12.833
    }
    assert score.total == Decimal("49.33")
    # a department with nothing to count gets full marks and ranks above
    assert IndexScore.objects.get(period=period, agency=data.health).total == Decimal("100.00")
    assert score.rank == 2
    # a commune: the departments' criteria do not apply → full marks
    commune = values(period, data.commune)
    assert commune["1.1"].status == IndicatorValue.Status.NOT_APPLICABLE
    assert commune["1.1"].score == Decimal("6.00")


def test_recomputation_is_idempotent_and_the_task_runs(data):
    first = tasks.compute_index("month", "2026-10-01")
    count = IndicatorValue.objects.count()
    second = tasks.compute_index.delay("month", "2026-10-20").get()
    assert first["period"] == second["period"]
    assert IndicatorValue.objects.count() == count
    assert IndexPeriod.objects.count() == 1


def test_last_periods_of_the_monthly_run():
    assert index766.last_periods(date(2026, 11, 1)) == [("month", date(2026, 10, 1))]
    assert index766.last_periods(date(2027, 1, 1)) == [
        ("month", date(2026, 12, 1)), ("quarter", date(2026, 12, 1)),
        ("year", date(2026, 12, 1))]
    assert index766.period_bounds("quarter", date(2026, 11, 5)) == (
        date(2026, 10, 1), date(2027, 1, 1))


def test_pages_and_drilldown_permissions(client, data):
    period = index766.compute_period("month", date(2026, 10, 1))
    html = client.get(reverse("reports:ranking")).content.decode()
    assert "Sở Tư pháp" in html and ("49.33" in html or "49,33" in html)
    detail = reverse("reports:agency", args=[period.pk, data.justice.pk])
    drill = reverse("reports:dossiers", args=[period.pk, data.justice.pk, "2.1"])
    page = client.get(detail).content.decode()
    assert drill not in page  # anonymous: numbers only
    assert client.get(drill).status_code == 302
    client.force_login(data.clerk)  # intake officer: no VIEW_REPORTS
    assert client.get(drill).status_code == 403
    client.force_login(officer(data.health, Role.AGENCY_LEADER))  # another agency's leader
    assert client.get(drill).status_code == 403
    client.force_login(data.leader)
    assert drill in client.get(detail).content.decode()
    late = client.get(drill, {"which": "not_counted"}).content.decode()
    assert 'data-code="D2"' in late and 'data-code="D3"' in late
    assert 'data-code="D1"' not in late
    client.force_login(UserFactory())
    assert client.get(drill).status_code == 403


def test_recompute_is_for_province_reporters(client, data):
    url = reverse("reports:recompute")
    client.force_login(data.leader)
    assert client.post(url, {"kind": "month", "start": "2026-10-01"}).status_code == 403
    client.force_login(data.supervisor)
    response = client.post(url, {"kind": "month", "start": "2026-10-01"})
    assert response.status_code == 302
    assert IndexPeriod.objects.filter(kind="month", start=date(2026, 10, 1)).exists()
