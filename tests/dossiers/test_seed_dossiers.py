"""``manage.py seed_dossiers``: realistic bulk dossiers with unique national codes, a history that
replays to each state, and day counters that live submissions continue."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from dossiers import services
from dossiers.models import Dossier, DossierEvent, DossierSequence
from dossiers.states import State
from portal.accounts.models import User

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def seeded() -> str:
    call_command("seed_demo", quiet_accounts=True, stdout=StringIO())
    out = StringIO()
    call_command("seed_dossiers", count=300, batch=120, seed=20260306, allow_sqlite=True,
                 stdout=out)
    return out.getvalue()


def test_codes_are_unique_in_the_national_format_per_agency_and_day(seeded):
    assert "Loaded 300 dossiers" in seeded and "rows/s" in seeded
    dossiers = list(Dossier.objects.select_related("receiving_agency"))
    assert len(dossiers) == 300
    codes = [d.code for d in dossiers]
    assert len(set(codes)) == 300
    numbers: dict[tuple[int, str], list[int]] = {}
    for dossier in dossiers:
        match = re.fullmatch(r"(.+)-(\d{6})-(\d{4,})", dossier.code)
        assert match, dossier.code
        assert match[1] == dossier.receiving_agency.code
        assert match[2] == f"{timezone.localtime(dossier.submitted_at, LOCAL):%y%m%d}"
        numbers.setdefault((dossier.receiving_agency_id, match[2]), []).append(int(match[3]))
    for found in numbers.values():  # 1, 2, 3, ... per agency and day, no gap
        assert sorted(found) == list(range(1, len(found) + 1))


def test_dossiers_look_real(seeded):
    dossiers = list(Dossier.objects.all())
    states = Counter(d.state for d in dossiers)
    assert states[State.RETURNED] > 150  # about 70 %
    assert states[State.REFUSED] > 0 and states[State.PROCESSING] > 0
    assert len(states) >= 5 and State.DRAFT not in states
    agencies = Counter(d.receiving_agency.code for d in
                       Dossier.objects.select_related("receiving_agency"))
    assert len(agencies) >= 4
    assert agencies.most_common(1)[0][0].endswith(".30.H56")  # a commune receives the most
    now = timezone.now()
    assert all(now - d.submitted_at < timezone.timedelta(days=3 * 366) for d in dossiers)
    assert any(now - d.submitted_at > timezone.timedelta(days=2 * 365) for d in dossiers)
    for d in dossiers:
        assert re.fullmatch(r"0\d{11}", d.applicant_id_number), d.applicant_id_number
        assert len(d.applicant_name.split()) == 3
        assert d.procedure_version.procedure_id == d.procedure_id
        assert d.created_at <= d.submitted_at


def test_each_history_replays_to_the_state(seeded):
    assert DossierEvent.objects.count() >= 300
    for dossier in Dossier.objects.all()[:120]:
        assert dossier.events.exists()
        assert services.state_at(dossier, timezone.now()) == dossier.state


def test_live_submissions_continue_the_day_numbering(seeded):
    latest = Dossier.objects.order_by("-submitted_at").select_related("receiving_agency")[0]
    agency = latest.receiving_agency
    day = timezone.localtime(latest.submitted_at, LOCAL).date()
    last = DossierSequence.objects.get(agency=agency, day=day).last
    seeded_today = Dossier.objects.filter(code__startswith=f"{agency.code}-{day:%y%m%d}-")
    assert last == seeded_today.count()
    procedure = latest.procedure
    citizen = User.objects.get(username="congdan")
    moment = datetime.combine(day, time(23, 30), tzinfo=LOCAL)
    with time_machine.travel(moment, tick=False):
        draft = services.start_draft(procedure, applicant=citizen, receiving_agency=agency)
        submitted = services.submit(draft, by=citizen)
    assert submitted.code == f"{agency.code}-{day:%y%m%d}-{last + 1:04d}"


def test_a_second_run_adds_more_without_clashing(seeded):
    call_command("seed_dossiers", count=50, seed=20260306, allow_sqlite=True, stdout=StringIO())
    codes = list(Dossier.objects.values_list("code", flat=True))
    assert len(codes) == 350 == len(set(codes))


def test_refuses_without_demo_data_or_on_production_or_plain_sqlite(settings):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_dossiers", count=10, allow_sqlite=True, stdout=StringIO())
    if connection.vendor == "sqlite":
        with pytest.raises(CommandError, match="SQLite"):
            call_command("seed_dossiers", count=10, stdout=StringIO())
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="DEMO_DATA_ALLOWED"):
        call_command("seed_dossiers", count=10, allow_sqlite=True, stdout=StringIO())
    assert not Dossier.objects.exists()


def test_open_dossiers_hold_an_open_step(seeded):
    from dossiers.models import DossierStep

    open_states = (State.PROCESSING, State.WAITING_SUPPLEMENT, State.WAITING_PAYMENT)
    dossiers = list(Dossier.objects.filter(state__in=open_states).select_related(
        "current_step"))
    assert dossiers
    for dossier in dossiers:
        step = dossier.current_step
        assert step is not None and step.finished_at is None and step.dossier_id == dossier.pk
        assert step.due_at > step.started_at and dossier.processing_agency_id
        # the queue reads the stopped clock from the step: it waits with its dossier
        assert step.clock_stopped == (dossier.state != State.PROCESSING)
    assert DossierStep.objects.filter(finished_at__isnull=True).count() == len(dossiers)
    assert DossierStep.objects.filter(finished_at__isnull=False, outcome="done").exists()
    assert DossierStep.objects.exclude(assignee=None).exists()
    assert not Dossier.objects.filter(state=State.RECEIVED).exists()  # moved on at once
