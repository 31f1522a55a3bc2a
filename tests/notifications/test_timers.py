"""Deadline timers: officers are warned before their intake or step deadline (the province's
threshold, in working hours), the agency leader is told when it passes; each once per due
instant, also after a restart, and only to the right officers."""

from datetime import datetime, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from dossiers import services
from dossiers.models import Dossier, DossierStep
from dossiers.tasks import sweep_deadlines
from dossiers.timers import sweep
from portal.accounts.models import Membership
from portal.accounts.roles import Role
from portal.agencies.models import Province
from portal.notifications.models import Message
from procedures.services import publish
from tests.factories import AgencyFactory, UserFactory, officer
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)


class World:
    def __init__(self) -> None:
        self.agency = AgencyFactory(name="UBND xã An Bình")
        self.other = AgencyFactory(name="UBND xã Bình Minh")
        self.procedure = ProcedureFactory(owner_agency=self.agency, processing_time=Decimal(5),
                                          name="Đăng ký khai sinh")
        self.procedure.receiving_agencies.add(self.agency)
        publish(self.procedure)
        self.citizen = UserFactory(full_name="Nguyễn Văn An", email="")
        self.clerk = officer(self.agency, Role.INTAKE_OFFICER)
        self.leader = officer(self.agency, Role.AGENCY_LEADER)
        self.processor = officer(self.agency, Role.PROCESSING_OFFICER)
        Membership.objects.filter(user=self.processor).update(unit="Phòng Tư pháp")
        self.other_unit = officer(self.agency, Role.PROCESSING_OFFICER)
        Membership.objects.filter(user=self.other_unit).update(unit="Phòng Kinh tế")
        self.stranger_clerk = officer(self.other, Role.INTAKE_OFFICER)
        self.stranger_leader = officer(self.other, Role.AGENCY_LEADER)
        Membership.objects.update(started_at=at(2020, 1, 1))

    def submitted(self) -> Dossier:
        draft = services.start_draft(self.procedure, applicant=self.citizen)
        return services.submit(draft, by=self.citizen)

    def with_step(self, *, due: datetime, assignee=None, unit="Phòng Tư pháp") -> DossierStep:
        dossier = self.submitted()
        services.accept(dossier, by=self.clerk)
        DossierStep.objects.filter(dossier=dossier).delete()  # whatever intake started
        Dossier.objects.filter(pk=dossier.pk).update(state="processing",
                                                     processing_agency=self.agency)
        return DossierStep.objects.create(
            dossier=dossier, order=1, name="Thẩm định", agency=self.agency, unit=unit,
            assignee=assignee, budget_seconds=8 * 3600, started_at=due - timedelta(days=2),
            due_at=due)


def inbox(user) -> list[str]:
    return list(Message.objects.filter(user=user).order_by("pk").values_list("kind", flat=True))


def test_intake_warned_once_then_overdue_once_to_the_right_officers():
    with time_machine.travel(at(2026, 12, 1, 8, 0), tick=False) as clock:
        w = World()
        dossier = w.submitted()
        assert dossier.intake_due_at == at(2026, 12, 2, 8, 0)  # 8 working hours
        sweep()
        assert inbox(w.clerk) == []  # more than 4 working hours left
        clock.move_to(at(2026, 12, 1, 14, 0))  # 4 working hours left: 17:30 + 0:30 next day
        assert sweep_deadlines()["intake_warned"] == 1
        assert inbox(w.clerk) == ["intake_due_soon"]
        message = Message.objects.get(user=w.clerk)
        assert dossier.code in message.subject and "08:00 02/12/2026" in message.subject
        assert inbox(w.leader) == inbox(w.stranger_clerk) == inbox(w.citizen)[1:] == []
        sweep()
        sweep()  # the next runs, or a restart: nothing twice
        assert inbox(w.clerk) == ["intake_due_soon"]
        clock.move_to(at(2026, 12, 2, 8, 0))
        result = sweep()
        assert result.intake_overdue == 1
        assert inbox(w.leader) == ["intake_overdue"]
        assert inbox(w.stranger_leader) == []
        assert inbox(w.clerk) == ["intake_due_soon"]
        dossier.refresh_from_db()
        assert dossier.overdue_at == at(2026, 12, 2, 8, 0)
        clock.move_to(at(2026, 12, 3, 9, 0))
        assert sweep().total() == 0
        assert inbox(w.leader) == ["intake_overdue"]


def test_the_threshold_is_the_provinces():
    with time_machine.travel(at(2026, 12, 1, 8, 0), tick=False) as clock:
        w = World()
        Province.objects.update_or_create(pk=1, defaults={"name": "Thanh Hóa", "code": "H56",
                                                          "due_warning_working_hours": 1})
        cache.clear()
        w.submitted()
        clock.move_to(at(2026, 12, 1, 14, 0))  # 4 working hours left: above 1
        assert sweep().intake_warned == 0
        clock.move_to(at(2026, 12, 2, 7, 31))  # 29 working minutes left
        assert sweep().intake_warned == 1
        assert inbox(w.clerk) == ["intake_due_soon"]


def test_a_sweep_that_dies_halfway_leaves_nothing_half_done():
    with time_machine.travel(at(2026, 12, 1, 14, 0), tick=False):
        w = World()
        services.submit(services.start_draft(w.procedure, applicant=w.citizen), by=w.citizen)
        dossier = Dossier.objects.get()
        Dossier.objects.filter(pk=dossier.pk).update(intake_due_at=at(2026, 12, 1, 16, 0))
        with mock.patch("dossiers.timers.notify", side_effect=RuntimeError("killed")), \
                pytest.raises(RuntimeError):
            sweep()
        dossier.refresh_from_db()
        assert dossier.intake_warned_at is None  # rolled back with the messages
        assert sweep().intake_warned == 1
        assert sweep().intake_warned == 0
        assert inbox(w.clerk) == ["intake_due_soon"]


def test_step_deadlines_warn_the_assignee_then_the_leader():
    with time_machine.travel(at(2026, 12, 1, 8, 0), tick=False) as clock:
        w = World()
        step = w.with_step(due=at(2026, 12, 1, 15, 0), assignee=w.other_unit)
        Message.objects.all().delete()
        clock.move_to(at(2026, 12, 1, 8, 30))  # 4 h 30 working time before: nothing
        assert sweep().steps_warned == 0
        clock.move_to(at(2026, 12, 1, 11, 0))
        assert sweep().steps_warned == 1
        assert inbox(w.other_unit) == ["step_due_soon"]
        assert inbox(w.processor) == inbox(w.leader) == []
        assert sweep().steps_warned == 0
        clock.move_to(at(2026, 12, 1, 15, 0))
        assert sweep().steps_overdue == 1
        assert inbox(w.leader) == ["step_overdue"]
        assert inbox(w.stranger_leader) == []
        step.refresh_from_db()
        assert step.overdue_at == at(2026, 12, 1, 15, 0)
        assert sweep().steps_overdue == 0
        # the clock resumed after a supplement: a new due instant is warned again
        DossierStep.objects.filter(pk=step.pk).update(due_at=at(2026, 12, 3, 9, 0),
                                                      warned_at=None, overdue_at=None)
        clock.move_to(at(2026, 12, 3, 8, 0))
        assert sweep().steps_warned == 1
        assert inbox(w.other_unit) == ["step_due_soon", "step_due_soon"]


def test_an_unassigned_step_warns_the_processing_officers_of_its_unit():
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False) as clock:
        w = World()
        w.with_step(due=at(2026, 12, 1, 15, 0))
        clock.move_to(at(2026, 12, 1, 14, 0))
        sweep()
        assert inbox(w.processor) == ["step_due_soon"]
        assert inbox(w.other_unit) == [] and inbox(w.clerk) == []


def test_finished_steps_and_accepted_dossiers_are_left_alone():
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False) as clock:
        w = World()
        step = w.with_step(due=at(2026, 12, 1, 15, 0), assignee=w.processor)
        DossierStep.objects.filter(pk=step.pk).update(finished_at=at(2026, 12, 1, 10, 0),
                                                      outcome="done")
        clock.move_to(at(2026, 12, 1, 16, 0))
        assert sweep().total() == 0
        assert Message.objects.filter(user__in=[w.processor, w.leader, w.clerk]).count() == 0


def test_the_baseline_flags_old_deadlines_without_messages():
    from django.core.management import call_command

    with time_machine.travel(at(2026, 12, 1, 8, 0), tick=False) as clock:
        w = World()
        w.submitted()
        clock.move_to(at(2026, 12, 3, 9, 0))  # long overdue
        call_command("timers_baseline")
        assert sweep().total() == 0
        assert inbox(w.leader) == [] and inbox(w.clerk) == []
