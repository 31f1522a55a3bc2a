"""``manage.py seed_dossiers --count 2000000``: bulk-load realistic dossiers for benchmarks.

The dossiers are spread over the demo agencies (most at the communes), the procedures each agency
receives, and the last three years; most are finished (returned, refused, withdrawn), a few are
open (awaiting intake, asked to complete, received, being processed). Each has a code in the
national format ``<agency e-ID>-YYMMDD-NNNN``, numbered per agency and day from the existing
``DossierSequence`` rows, and a history of events that replays to its state (D11). The sequence
rows are raised to the last number used, batch by batch, so live submissions continue the
numbering and an interrupted run can be resumed.

Rows are written without the ORM's per-object work: ``COPY`` through psycopg 3 on PostgreSQL,
``executemany`` elsewhere (tests only, with ``--allow-sqlite``). ``bulk_create`` is not used: it
would overwrite ``created_at`` (``auto_now_add``) with the current time. Demo data only: refused
when ``settings.DEMO_DATA_ALLOWED`` is off.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from dossiers.models import Dossier, DossierEvent, DossierSequence, DossierStep
from dossiers.states import Actor, Channel, Delivery, State
from portal.accounts.models import Membership, User
from portal.accounts.roles import Role
from portal.agencies.models import Agency
from portal.calendar.services import get_calendar
from portal.ops import demo
from procedures.models import Procedure, ProcedureVersion, TimeUnit

LOCAL = ZoneInfo(settings.TIME_ZONE)
YEARS = 3

#: Share of each state (in 10,000ths): mostly finished, some open.
STATE_WEIGHTS: dict[str, int] = {
    State.RETURNED: 7000, State.REFUSED: 500, State.WITHDRAWN: 200, State.STOPPED: 100,
    State.SUBMITTED: 50, State.INCOMPLETE: 50, State.PROCESSING: 1500,
    State.WAITING_SUPPLEMENT: 150, State.WAITING_PAYMENT: 50, State.SETTLED: 400,
}
#: Relative weight of each demo agency (communes receive most dossiers).
AGENCY_WEIGHTS: dict[str, int] = {
    "000.01.30.H56": 30, "000.02.30.H56": 20, "000.03.30.H56": 16, "000.00.01.H56": 14,
    "000.00.13.H56": 8, "000.00.15.H56": 5, "000.00.19.H56": 4, "000.00.11.H56": 3,
}
CHANNEL_WEIGHTS = {Channel.ONLINE: 55, Channel.COUNTER: 33, Channel.DVCQG: 10,
                   Channel.POSTAL: 2}

FAMILY = [("Nguyễn", 38), ("Trần", 11), ("Lê", 10), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4),
          ("Phan", 4), ("Vũ", 4), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2),
          ("Ngô", 2), ("Dương", 1), ("Lý", 1), ("Trịnh", 1), ("Lò", 1), ("Hà", 1), ("Mai", 1)]
MALE_MIDDLE = ["Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Xuân", "Đình",
               "Ngọc", "Thanh", "Trọng", "Bá"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hồng", "Phương",
                 "Kim", "Bảo", "Diệu"]
MALE_GIVEN = ["An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Huy", "Khải", "Long",
              "Mạnh", "Nam", "Phong", "Quân", "Sơn", "Tài", "Thắng", "Thành", "Toàn", "Trung",
              "Tuấn", "Việt", "Vinh", "Hoàng", "Hiếu", "Kiên", "Lâm", "Nghĩa", "Phúc", "Tú"]
FEMALE_GIVEN = ["Anh", "Chi", "Cúc", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương",
                "Huyền", "Lan", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh",
                "Phương", "Quỳnh", "Tâm", "Thảo", "Thủy", "Trang", "Vân", "Yến", "Hồng", "Liên"]
PLACES = ["phường Hạc Thành", "phường Sầm Sơn", "xã Thọ Xuân", "phường Nam Sầm Sơn",
          "xã Hoằng Hóa", "xã Quảng Xương", "phường Bỉm Sơn", "xã Tĩnh Gia", "xã Nông Cống",
          "xã Triệu Sơn"]
STREETS = ["Lê Lợi", "Trần Phú", "Bà Triệu", "Lê Hoàn", "Hạc Thành", "Quang Trung",
           "Nguyễn Trãi", "Phan Chu Trinh", "Tống Duy Tân", "Đội Cung"]
OFFICERS = ["Trần Thị Cúc", "Đỗ Thị Hà", "Lê Văn Hùng", "Nguyễn Thị Lan", "Phạm Minh Tuấn",
            "Hoàng Thu Trang", "Vũ Đức Long", "Bùi Thị Hạnh"]
PHONE_PREFIXES = ["090", "091", "093", "094", "096", "097", "098", "086", "088", "032", "033",
                  "034", "035", "036", "037", "038", "039", "070", "076", "077", "078", "081",
                  "082", "083", "084", "085"]
REFUSAL_REASONS = ["Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.",
                   "Thành phần hồ sơ không đúng quy định, không thể bổ sung.",
                   "Đối tượng không đủ điều kiện theo quy định."]
DEFECTS = ["Bổ sung bản sao giấy tờ chứng minh nơi cư trú.",
           "Tờ khai chưa có chữ ký của người yêu cầu.",
           "Ảnh chụp giấy tờ không rõ nét, đề nghị nộp lại bản rõ nét."]

#: The event chain after the processing started that leads to each state (transition name,
#: target state); ``start_processing`` follows the intake at once (dossiers.processing).
AFTER_RECEIVED: dict[str, list[tuple[str, str]]] = {
    State.PROCESSING: [],
    State.WAITING_SUPPLEMENT: [("ask_supplement", State.WAITING_SUPPLEMENT)],
    State.WAITING_PAYMENT: [("ask_payment", State.WAITING_PAYMENT)],
    State.STOPPED: [("stop", State.STOPPED)],
    State.SETTLED: [("settle", State.SETTLED)],
    State.RETURNED: [("settle", State.SETTLED), ("return_result", State.RETURNED)],
}
#: States whose dossiers hold an open step (the processing queue's rows).
WITH_OPEN_STEP = frozenset({State.PROCESSING, State.WAITING_SUPPLEMENT, State.WAITING_PAYMENT})
STEP_NAMES = ["Thẩm định hồ sơ", "Xem xét, trình ký", "Phê duyệt kết quả"]
#: The unit of the seeded processing officers and of the steps they hold.
SEED_UNIT = "Bộ phận chuyên môn"
#: Processing officers made per agency (``seed.xuly.<agency id>.<n>``).
SEED_OFFICERS = 4


@dataclass(frozen=True)
class Target:
    agency_id: int
    agency_code: str
    procedure_id: int
    version_id: int
    summary: str
    days: int


def _weighted(rng: random.Random, weights: dict[Any, int], k: int) -> list[Any]:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


class Generator:
    """Builds the rows of one batch; keeps the per-(agency, day) numbering across batches."""

    def __init__(self, targets: dict[int, list[Target]], agency_weights: dict[int, int],
                 sequences: dict[tuple[int, date], int], now: datetime, seed: int,
                 officers: dict[int, list[int]] | None = None) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - sample data, not secrets
        self.officers = officers or {}
        #: steps of the current batch; ``_row`` is the dossier row whose current step it is
        self.steps: list[dict[str, Any]] = []
        self.targets = targets
        self.agency_weights = agency_weights
        self.sequences = sequences
        self.touched: set[tuple[int, date]] = set()
        self.now = now
        self.start = now - timedelta(days=365 * YEARS)
        self.calendar = get_calendar()
        self.families = [name for name, _w in FAMILY]
        self.family_weights = [w for _n, w in FAMILY]

    # -- people ----------------------------------------------------------------------------

    def person(self) -> tuple[str, str, str, str, str]:
        rng = self.rng
        female = rng.random() < 0.52
        family = rng.choices(self.families, self.family_weights)[0]
        middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
        given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
        name = f"{family} {middle} {given}"
        year = rng.randint(1945, 2006)
        century = (0 if year < 2000 else 2) + (1 if female else 0)
        province = "038" if rng.random() < 0.93 else rng.choice(["001", "040", "037", "079"])
        id_number = f"{province}{century}{year % 100:02d}{rng.randrange(1_000_000):06d}"
        address = (f"Số {rng.randint(1, 250)} đường {rng.choice(STREETS)}, "
                   f"{rng.choice(PLACES)}, tỉnh Thanh Hóa")
        phone = f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10_000_000):07d}"
        email = f"{id_number[-6:]}.{year}@example.vn" if rng.random() < 0.4 else ""
        return name, id_number, address, phone, email

    # -- time ------------------------------------------------------------------------------

    def instant(self, earliest: datetime, latest: datetime, office_hours: bool) -> datetime:
        """A plausible submission time between the bounds: office hours on a weekday at the
        counter, mostly daytime (any day) online."""
        rng = self.rng
        span = max(1, int((latest - earliest).total_seconds()))
        for _attempt in range(8):
            moment = earliest + timedelta(seconds=rng.randrange(span))
            local = moment.astimezone(LOCAL)
            if office_hours:
                if local.weekday() >= 5:
                    continue
                minute = rng.choice([rng.randint(7 * 60 + 30, 11 * 60 + 30),
                                     rng.randint(13 * 60 + 30, 17 * 60)])
            else:
                if local.weekday() >= 5 and rng.random() < 0.7:
                    continue
                minute = rng.randint(6 * 60, 23 * 60)
            local = local.replace(hour=minute // 60, minute=minute % 60,
                                  second=rng.randrange(60), microsecond=0)
            candidate = local.astimezone(LOCAL)
            if earliest <= candidate <= latest:
                return candidate
        return earliest + timedelta(seconds=rng.randrange(span))

    def code(self, agency: Target, when: datetime) -> str:
        day = when.astimezone(LOCAL).date()
        key = (agency.agency_id, day)
        number = self.sequences.get(key, 0) + 1
        self.sequences[key] = number
        self.touched.add(key)
        return f"{agency.agency_code}-{day:%y%m%d}-{number:04d}"

    # -- one dossier -------------------------------------------------------------------------

    def dossier(self, pk: int, state: str, agency_id: int) -> tuple[dict[str, Any],
                                                                    list[dict[str, Any]]]:
        rng, now = self.rng, self.now
        target = rng.choice(self.targets[agency_id])
        channel = _weighted(rng, CHANNEL_WEIGHTS, 1)[0]
        at_counter = channel in (Channel.COUNTER, Channel.POSTAL)
        if state == State.SUBMITTED:
            # awaiting intake: submitted in the last few days (some late, some due soon)
            channel = rng.choice([Channel.ONLINE, Channel.ONLINE, Channel.DVCQG])
            at_counter = False
            submitted = self.instant(now - timedelta(days=4), now - timedelta(minutes=5), False)
        elif state == State.INCOMPLETE:
            channel = rng.choice([Channel.ONLINE, Channel.DVCQG])
            at_counter = False
            submitted = self.instant(now - timedelta(days=25), now - timedelta(days=1), False)
        elif state in (State.RECEIVED, State.PROCESSING, State.WAITING_SUPPLEMENT,
                       State.WAITING_PAYMENT, State.SETTLED):
            submitted = self.instant(now - timedelta(days=max(20, target.days * 2)),
                                     now - timedelta(hours=2), at_counter)
        else:
            submitted = self.instant(self.start, now - timedelta(days=2), at_counter)
        if at_counter and state in (State.SUBMITTED, State.INCOMPLETE, State.REFUSED,
                                    State.WITHDRAWN):
            channel, at_counter = Channel.ONLINE, False
        name, id_number, address, phone, email = self.person()
        delivery = (Delivery.COUNTER if at_counter else
                    _weighted(rng, {Delivery.ONLINE: 6, Delivery.COUNTER: 3, Delivery.POST: 1},
                              1)[0])
        row: dict[str, Any] = {
            "id": pk, "code": self.code(target, submitted), "procedure_id": target.procedure_id,
            "procedure_version_id": target.version_id, "receiving_agency_id": target.agency_id,
            "applicant_id": None, "applicant_name": name, "applicant_id_number": id_number,
            "applicant_address": address, "applicant_phone": phone, "applicant_email": email,
            "channel": channel, "delivery": delivery,
            "delivery_address": address if delivery == Delivery.POST else "",
            "summary": target.summary, "state": state,
            "created_at": submitted - timedelta(minutes=rng.randint(3, 90)),
            "submitted_at": submitted,
        }
        if rng.random() < 0.06 and not at_counter:
            rep_name, rep_id, *_rest = self.person()
            row.update(representative_name=rep_name, representative_id_number=rep_id,
                       representative_authorisation="Giấy ủy quyền có chứng thực")
        officer = rng.choice(OFFICERS)
        events: list[dict[str, Any]] = []

        def event(at: datetime, transition: str, from_state: str, to_state: str,
                  kind: str = Actor.OFFICER, reason: str = "") -> None:
            events.append({"dossier_id": pk, "at": at, "actor_kind": kind,
                           "actor_name": name if kind == Actor.CITIZEN else (
                               officer if kind == Actor.OFFICER else "hệ thống"),
                           "transition": transition, "from_state": from_state,
                           "to_state": to_state, "reason": reason})

        if at_counter:
            row["intake_due_at"] = None
            received = submitted
            event(submitted, "register_at_counter", State.DRAFT, State.RECEIVED)
        else:
            event(submitted, "submit", State.DRAFT, State.SUBMITTED, Actor.CITIZEN)
            if state in (State.SUBMITTED, State.INCOMPLETE):
                row["intake_due_at"] = self.calendar.add_working_hours(submitted, 8)
            else:
                row["intake_due_at"] = submitted + timedelta(hours=rng.choice([8, 24, 26, 72]))
            received = submitted + timedelta(minutes=rng.randint(20, 60 * 30))
        if state == State.INCOMPLETE:
            asked = submitted + timedelta(minutes=rng.randint(30, 60 * 20))
            row.update(paused_since=asked,
                       completion_due_at=self.calendar.add_working_days(asked, 15))
            event(asked, "ask_to_complete", State.SUBMITTED, State.INCOMPLETE,
                  reason=rng.choice(DEFECTS))
        elif state in (State.REFUSED, State.WITHDRAWN):
            closed = submitted + timedelta(minutes=rng.randint(30, 60 * 40))
            row["closed_at"] = closed
            if state == State.REFUSED:
                event(closed, "refuse", State.SUBMITTED, State.REFUSED,
                      reason=rng.choice(REFUSAL_REASONS))
            else:
                event(closed, "withdraw", State.SUBMITTED, State.WITHDRAWN, Actor.CITIZEN,
                      reason="Công dân không có nhu cầu giải quyết tiếp.")
        elif state != State.SUBMITTED:
            received = min(received, now - timedelta(minutes=30))
            row["received_at"] = received
            row["processing_due_at"] = received + timedelta(days=max(1, target.days) * 7 / 5)
            if not at_counter:
                event(received, "accept", State.SUBMITTED, State.RECEIVED)
            event(received, "start_processing", State.RECEIVED, State.PROCESSING, Actor.SYSTEM)
            row["processing_agency_id"] = target.agency_id
            previous, moment = str(State.PROCESSING), received
            if state in WITH_OPEN_STEP:
                moment = self.open_steps(row, received, events, officer)
            steps = AFTER_RECEIVED[state]
            room = max(60, int((now - received).total_seconds() // 60) - 1)
            due_minutes = max(60, int(target.days * 7 / 5 * 24 * 60))
            for transition, to_state in steps:
                moment = moment + timedelta(minutes=rng.randint(
                    10, max(11, min(room, due_minutes * rng.choice([1, 1, 1, 2])) // len(steps))))
                moment = min(moment, now - timedelta(minutes=1))
                event(moment, transition, previous, to_state,
                      Actor.OFFICER)
                previous = to_state
            if state in (State.WAITING_SUPPLEMENT, State.WAITING_PAYMENT):
                row["paused_since"] = moment
                for step in reversed(self.steps):  # the open step waits with its dossier
                    if step.get("_row") is row:
                        step["clock_stopped"] = True
                        break
            if state in (State.RETURNED, State.STOPPED):
                row["closed_at"] = moment
        return row, events

    def open_steps(self, row: dict[str, Any], received: datetime, events: list[dict[str, Any]],
                   officer: str) -> datetime:
        """Finished steps (each with its ``complete_step`` event) and the open one, held by a
        seeded processing officer (some still unassigned); returns when the open one began."""
        rng, now = self.rng, self.now
        people = self.officers.get(row["receiving_agency_id"], [])
        count = rng.choice([1, 2, 2, 3])
        start = received
        room = max(120, int((now - received).total_seconds() // 60) - 60)
        for order in range(1, count + 1):
            budget = rng.choice([8, 16, 24, 40])
            last = order == count
            assignee = rng.choice(people) if people and (not last or rng.random() < 0.7) \
                else None
            step: dict[str, Any] = {
                "dossier_id": row["id"], "procedure_id": row["procedure_id"], "order": order,
                "name": STEP_NAMES[order - 1],
                "agency_id": row["receiving_agency_id"], "unit": SEED_UNIT,
                "role": "processing", "assignee_id": assignee, "is_inter_agency": False,
                "budget_seconds": budget * 3600, "started_at": start,
                "due_at": self.calendar.add_working_hours(start, budget), "finished_at": None,
                "outcome": "", "note": "", "paused_seconds": 0}
            if not last:
                end = min(start + timedelta(minutes=rng.randint(30, max(31, room // count))),
                          now - timedelta(minutes=2))
                step.update(finished_at=end, outcome="done")
                events.append({
                    "dossier_id": row["id"], "at": end, "actor_kind": Actor.OFFICER,
                    "actor_name": officer, "transition": "complete_step",
                    "from_state": State.PROCESSING, "to_state": State.PROCESSING, "reason": "",
                    "data": {"step_order": order, "step_name": step["name"],
                             "from_unit": SEED_UNIT, "to_unit": SEED_UNIT,
                             "punctuality": "late" if end > step["due_at"] else "on_time"}})
                start = end
            else:
                step["_row"] = row
            self.steps.append(step)
        return start

    def batch(self, first_pk: Sequence[int]) -> tuple[list[dict[str, Any]],
                                                      list[dict[str, Any]]]:
        count = len(first_pk)
        states = _weighted(self.rng, STATE_WEIGHTS, count)
        agencies = _weighted(self.rng, self.agency_weights, count)
        rows, events = [], []
        for pk, state, agency_id in zip(first_pk, states, agencies, strict=True):
            row, evs = self.dossier(pk, state, agency_id)
            rows.append(row)
            events.extend(evs)
        return rows, events


# -- writing ---------------------------------------------------------------------------------


def _columns(model: type[models.Model]) -> tuple[list[str], dict[str, Any]]:
    """The model's columns (``id`` first) and the value of each column when not given."""
    columns: list[str] = []
    defaults: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        assert field.column is not None
        columns.append(field.column)
        if field.has_default():
            value = field.get_default()
            defaults[field.column] = value
        else:
            defaults[field.column] = None if field.null else ""
    return columns, defaults


def _rows(dicts: list[dict[str, Any]], columns: list[str], defaults: dict[str, Any],
          adapt: Any = None) -> Iterator[tuple[Any, ...]]:
    for item in dicts:
        values = tuple(item.get(c, defaults[c]) for c in columns)
        yield values if adapt is None else tuple(adapt(v) for v in values)


def _reserve_ids(count: int, next_local: list[int],
                 model: type[models.Model] = Dossier) -> list[int]:
    """Primary keys for ``count`` new rows, drawn from the table's sequence on PostgreSQL
    (safe beside live inserts)."""
    if count == 0:
        return []
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                           "FROM generate_series(1, %s)", [table, count])
            return [row[0] for row in cursor.fetchall()]
    start = next_local[0]
    next_local[0] += count
    return list(range(start, start + count))


def _write(model: type[models.Model], dicts: list[dict[str, Any]], *, with_id: bool) -> None:
    columns, defaults = _columns(model)
    if not with_id:
        columns = [c for c in columns if c != model._meta.pk.column]
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as cp:
                for values in _rows(dicts, columns, defaults, _json_text):
                    cp.write_row(values)
        return

    def adapt(value: Any) -> Any:
        if isinstance(value, datetime):
            return connection.ops.adapt_datetimefield_value(value)
        return _json_text(value)

    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            # names from the model's metadata, values as parameters
            f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) "  # noqa: S608
            f"VALUES ({placeholders})",
            list(_rows(dicts, columns, defaults, adapt)))


def _json_text(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value


def _raise_sequences(generator: Generator) -> None:
    """Set each touched (agency, day) counter to at least the last number used."""
    if not generator.touched:
        return
    table = DossierSequence._meta.db_table
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    values = [(agency_id, day, generator.sequences[(agency_id, day)])
              for agency_id, day in sorted(generator.touched)]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (agency_id, day) DO UPDATE SET "
            f"last = {greatest}({table}.last, excluded.last)", values)
    generator.touched.clear()


def targets_by_agency() -> dict[int, list[Target]]:
    """For each agency, the published procedures it receives with their current version (a
    procedure without receiving agencies is received by its owner, as in ``start_draft``)."""
    latest: dict[int, int] = {}
    for pk, procedure_id in (ProcedureVersion.objects.order_by("procedure_id", "number")
                             .values_list("pk", "procedure_id")):
        latest[procedure_id] = pk
    result: dict[int, list[Target]] = {}
    procedures = (Procedure.objects.accepting().filter(pk__in=list(latest))
                  .select_related("owner_agency").prefetch_related("receiving_agencies"))
    for procedure in procedures:
        receivers = list(procedure.receiving_agencies.all()) or [procedure.owner_agency]
        days = _processing_days(procedure)
        for agency in receivers:
            result.setdefault(agency.pk, []).append(Target(
                agency.pk, agency.code, procedure.pk, latest[procedure.pk],
                procedure.name[:500], days))
    return result


def seed_officers(agency_ids: list[int]) -> dict[int, list[int]]:
    """``SEED_OFFICERS`` processing officers of :data:`SEED_UNIT` per agency (made once; no
    usable password: demo data for benchmarks and the step table)."""
    result: dict[int, list[int]] = {}
    for agency_id in agency_ids:
        ids = []
        for n in range(1, SEED_OFFICERS + 1):
            user, created = User.objects.get_or_create(
                username=f"seed.xuly.{agency_id}.{n}",
                defaults={"full_name": f"Chuyên viên {n} (dữ liệu mẫu)",
                          "kind": User.Kind.OFFICER})
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            Membership.objects.get_or_create(
                user=user, agency_id=agency_id, role=Role.PROCESSING_OFFICER,
                defaults={"unit": SEED_UNIT,
                          "started_at": timezone.now() - timedelta(days=365 * YEARS + 30)})
            ids.append(user.pk)
        result[agency_id] = ids
    return result


def _processing_days(procedure: Procedure) -> int:
    """The procedure's published processing time in (rounded up) days; 7 when none."""
    amount, unit = procedure.processing_time, procedure.processing_unit
    if amount is None or unit == TimeUnit.SAME_DAY:
        return 1 if unit == TimeUnit.SAME_DAY else 7
    if unit == TimeUnit.WORKING_HOURS:
        return max(1, int(-(-amount // 8)))
    return max(1, int(amount))


class Command(BaseCommand):
    help = ("Bulk-load realistic demo dossiers (codes, states, events) for benchmarks; needs "
            "the demo data (manage.py seed_demo). PostgreSQL: COPY.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=100_000,
                            help="How many dossiers to add (default 100000).")
        parser.add_argument("--batch", type=int, default=20_000,
                            help="Dossiers per transaction (default 20000).")
        parser.add_argument("--seed", type=int, default=None,
                            help="Random seed (default: from the clock).")
        parser.add_argument("--allow-sqlite", action="store_true",
                            help="Allow SQLite (tests; too slow for large counts).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Refusing to load demo dossiers: DEMO_DATA_ALLOWED is off "
                               "on this system.")
        if connection.vendor == "sqlite" and not options["allow_sqlite"]:
            raise CommandError("Refusing to bulk-load dossiers into SQLite; use PostgreSQL "
                               "(DATABASE_URL) or pass --allow-sqlite for a small run.")
        count, batch = options["count"], options["batch"]
        if count < 1 or batch < 1:
            raise CommandError("--count and --batch must be positive.")
        targets = targets_by_agency()
        codes = dict(Agency.objects.filter(code__in=[a[0] for a in demo.AGENCIES])
                     .values_list("code", "pk"))
        weights = {codes[code]: w for code, w in AGENCY_WEIGHTS.items()
                   if code in codes and targets.get(codes[code])}
        if not weights:
            raise CommandError("No demo agency receives a published procedure: run "
                               "`manage.py seed_demo` first.")
        now = timezone.now()
        sequences = {(agency_id, day): last for agency_id, day, last in
                     DossierSequence.objects.filter(Q(agency_id__in=list(weights)))
                     .values_list("agency_id", "day", "last")}
        seed = options["seed"] if options["seed"] is not None else time.time_ns()
        generator = Generator(targets, weights, sequences, now, seed,
                              officers=seed_officers(list(weights)))
        next_local = [(Dossier.objects.order_by("-pk").values_list("pk", flat=True).first()
                       or 0) + 1]
        next_step = [(DossierStep.objects.order_by("-pk").values_list("pk", flat=True).first()
                      or 0) + 1]
        started = time.monotonic()
        done = 0
        while done < count:
            size = min(batch, count - done)
            with transaction.atomic():
                ids = _reserve_ids(size, next_local)
                rows, events = generator.batch(ids)
                step_ids = _reserve_ids(len(generator.steps), next_step, DossierStep)
                for step, step_id in zip(generator.steps, step_ids, strict=True):
                    step["id"] = step_id
                    row = step.pop("_row", None)
                    if row is not None:
                        row["current_step_id"] = step_id
                _write(Dossier, rows, with_id=True)
                _write(DossierStep, generator.steps, with_id=True)
                generator.steps.clear()
                _write(DossierEvent, events, with_id=False)
                _raise_sequences(generator)
            done += size
            elapsed = time.monotonic() - started
            self.stdout.write(f"{done:>10,} dossiers, {len(events):,} events in the last "
                              f"batch — {done / elapsed:,.0f} rows/s")
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # statistics for the planner, and the visibility map that lets the queues count
            # from their indexes alone (index-only scans), as autovacuum keeps it in production
            with connection.cursor() as cursor:
                for model in (Dossier, DossierEvent, DossierStep):
                    cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            f"Loaded {count:,} dossiers in {elapsed:,.1f} s ({count / elapsed:,.0f} rows/s)."))
