"""D6, LEGAL-NOTES §3: the apology and new appointment — by the head of the processing agency,
at least one working day before the due time, once per dossier, the legal due time kept."""

from __future__ import annotations

import pytest

from dossiers import processing, services
from dossiers.documents.render import render_html
from dossiers.models import DossierDocument
from tests.dossiers.test_processing import World, at, travel


@pytest.fixture
def world(db) -> World:
    return World()


def test_only_the_head_of_the_processing_agency_apologises(world):
    dossier = world.received()  # due Friday 13/3 17:30
    with travel(at(2026, 3, 11, 9, 0)):
        for other in (world.first, world.clerk, world.taxman, world.stranger, world.citizen):
            with pytest.raises(services.DossierError):
                processing.apologise(dossier, by=other, reason="Chờ ý kiến",
                                     new_due_at=at(2026, 3, 20, 17, 30))
        with pytest.raises(services.DossierError, match="lý do"):
            processing.apologise(dossier, by=world.leader, reason=" ",
                                 new_due_at=at(2026, 3, 20, 17, 30))
        with pytest.raises(services.DossierError, match="sau"):
            processing.apologise(dossier, by=world.leader, reason="Chờ ý kiến",
                                 new_due_at=at(2026, 3, 13, 17, 0))
        processing.apologise(dossier, by=world.leader, reason="Chờ ý kiến cơ quan thuế",
                             new_due_at=at(2026, 3, 20, 17, 30))
    dossier.refresh_from_db()
    assert dossier.rescheduled_due_at == at(2026, 3, 20, 17, 30)
    assert dossier.processing_due_at == at(2026, 3, 13, 17, 30)  # the legal one is kept
    assert dossier.apologised_at == at(2026, 3, 11, 9, 0)
    document = DossierDocument.objects.get(dossier=dossier, kind="apology")
    html = render_html(document)
    assert "XIN LỖI" in html.upper() and "Chờ ý kiến cơ quan thuế" in html
    assert "17 giờ 30 phút, ngày 20/03/2026" in html and "ngày 13/03/2026" in html
    event = dossier.events.get(transition="apologise")
    assert event.data["new_due"].startswith("2026-03-20")


def test_only_once(world):
    dossier = world.received()
    with travel(at(2026, 3, 10, 9, 0)):
        processing.apologise(dossier, by=world.leader, reason="Chờ xác minh",
                             new_due_at=at(2026, 3, 20, 17, 30))
        with pytest.raises(services.DossierError, match="một lần"):
            processing.apologise(dossier, by=world.leader, reason="Lần nữa",
                                 new_due_at=at(2026, 3, 27, 17, 30))
    assert DossierDocument.objects.filter(dossier=dossier, kind="apology").count() == 1


@pytest.mark.parametrize(("now", "allowed"), [
    (at(2026, 3, 12, 17, 30), True),  # exactly 8 working hours before Friday 17:30
    (at(2026, 3, 12, 18, 30), True),  # Thursday evening: still a whole working day left
    (at(2026, 3, 13, 7, 45), False),  # Friday morning: 7 h 45 min left
    (at(2026, 3, 16, 9, 0), False),  # already late
])
def test_at_least_one_working_day_before_the_due_time(world, now, allowed):
    dossier = world.received()
    with travel(now):
        if allowed:
            processing.apologise(dossier, by=world.leader, reason="Chậm",
                                 new_due_at=at(2026, 3, 20, 17, 30))
        else:
            with pytest.raises(services.DossierError, match="ít nhất một ngày làm việc"):
                processing.apologise(dossier, by=world.leader, reason="Chậm",
                                     new_due_at=at(2026, 3, 20, 17, 30))


def test_while_the_clock_stands_still_the_time_left_is_frozen(world):
    dossier = world.received()
    with travel(at(2026, 3, 12, 9, 0)):  # 14.5 h left when stopped
        processing.ask_supplement(dossier, by=world.first, missing=["Tờ khai"])
    with travel(at(2026, 3, 16, 9, 0)):  # after the due time by the wall clock
        processing.apologise(dossier, by=world.leader, reason="Chờ bổ sung",
                             new_due_at=at(2026, 3, 27, 17, 30))
    dossier.refresh_from_db()
    assert dossier.apologised_at is not None
    with travel(at(2026, 3, 17, 9, 0)):  # 24 working hours waited: both dates move
        processing.supplement(dossier, by=world.citizen, note="Đã bổ sung")
    dossier.refresh_from_db()
    assert dossier.processing_due_at == at(2026, 3, 18, 17, 30)  # the 14.5 h left
    assert dossier.rescheduled_due_at == at(2026, 4, 1, 17, 30)  # three working days later
