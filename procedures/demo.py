"""The demo catalogue: the real procedures of ``demo_data/procedures-sample.csv`` (codes, names,
fields, levels, times, fees and online levels from provincial decisions of November 2025) with
agencies, methods, dossier components, e-forms, internal processes, legal basis and the
publication decisions that publish them.

Idempotent by national code: running it again updates the same rows. Everything is marked as
sample data (``is_sample``). Registered in ``portal.ops.demo.SEEDERS``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from portal.agencies.models import Agency, AgencyLevel
from portal.calendar.services import get_calendar
from portal.text import fold

from . import services
from .demo_data import catalogue as data
from .models import (
    DecisionItem,
    DossierComponent,
    EForm,
    EFormVersion,
    Fee,
    Field,
    InternalProcess,
    LegalDocument,
    OnlineLevel,
    Procedure,
    ProcedureMethod,
    ProcessStep,
    PublicationDecision,
    TimeUnit,
)

CSV_PATH = Path(__file__).parent / "demo_data" / "procedures-sample.csv"
HOURS_PER_DAY = services.HOURS_PER_WORKING_DAY

_AMOUNT = re.compile(r"^\s*([\d.]+)\s*(?:đ|đồng)?\s*$")
_AMOUNT_PER = re.compile(r"^\s*([\d.]+)\s*(?:đ|đồng)\s*/\s*(bản|trang|trường hợp)\s*$")
_PER_METHOD = re.compile(
    r"^\s*Trực tiếp/bưu chính:\s*([\d.]+)\s*đ\s*;\s*trực tuyến:\s*([\d.]+)\s*đ\s*$",
    re.IGNORECASE)
_SOURCE_FILE = re.compile(r"dataset/([0-9a-f]+\.md)")


@dataclass
class Row:
    code: str
    name: str
    field: str
    level: str
    processing_time: Decimal | None
    processing_unit: str
    fee_vnd: str
    fee_text: str
    online_level: str
    agency_kind: str
    source_file: str


# -- reading the CSV -------------------------------------------------------------------------


def _amount(text: str) -> int:
    return int(text.replace(".", ""))


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def read_rows() -> list[Row]:
    """The CSV rows with the overrides of ``demo_data.catalogue`` applied."""
    rows = []
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        for raw in csv.DictReader(handle):
            values = {**raw, **data.OVERRIDES.get(raw["code"], {})}
            unit = values.get("processing_unit") or TimeUnit.WORKING_DAYS.value
            amount = values.get("processing_time") or ""
            fee_vnd = values.get("fee_vnd") or ""
            match = _SOURCE_FILE.search(raw["source"])
            rows.append(Row(
                code=raw["code"], name=raw["name"], field=raw["field"],
                level=values.get("level") or "commune",
                processing_time=(Decimal(amount) if amount and unit != TimeUnit.SAME_DAY
                                 else None),
                processing_unit=unit,
                fee_vnd=fee_vnd,
                fee_text=values.get("fee_text") or fee_text(fee_vnd),
                online_level=values.get("online_level") or data.DEFAULT_ONLINE_LEVEL,
                agency_kind=raw["agency_kind"],
                source_file=match.group(1) if match else "",
            ))
    return rows


def fee_text(fee_vnd: str) -> str:
    """The published wording of a fee cell (plain amounts written out in đồng)."""
    if not fee_vnd:
        return "Không"
    plain = _AMOUNT.match(fee_vnd)
    if plain:
        return _vnd(_amount(plain.group(1)))
    return fee_vnd


def fee_rows(fee_vnd: str, kind: str) -> list[dict[str, Any]]:
    """``Fee`` values of a fee cell: a plain amount, an amount per method, or a rule."""
    if not fee_vnd:
        return []
    plain = _AMOUNT.match(fee_vnd)
    if plain:
        return [{"kind": kind, "channel": "", "amount_vnd": _amount(plain.group(1)), "rule": "",
                 "description": ""}]
    per = _AMOUNT_PER.match(fee_vnd)
    if per:
        return [{"kind": kind, "channel": "", "amount_vnd": _amount(per.group(1)), "rule": "",
                 "description": f"Mỗi {per.group(2)}"}]
    methods = _PER_METHOD.match(fee_vnd)
    if methods:
        counter, online = _amount(methods.group(1)), _amount(methods.group(2))
        return [
            {"kind": kind, "channel": "counter", "amount_vnd": counter, "rule": "",
             "description": "Nộp hồ sơ trực tiếp"},
            {"kind": kind, "channel": "postal", "amount_vnd": counter, "rule": "",
             "description": "Nộp hồ sơ qua dịch vụ bưu chính"},
            {"kind": kind, "channel": "online", "amount_vnd": online, "rule": "",
             "description": "Nộp hồ sơ trực tuyến"},
        ]
    return [{"kind": kind, "channel": "", "amount_vnd": None, "rule": fee_vnd,
             "description": ""}]


# -- agencies, fields, legal documents -------------------------------------------------------


def _agencies() -> dict[str, Agency]:
    needed = [data.PROVINCE_CODE, data.SERVICE_CENTRE_CODE, *data.COMMUNE_CODES,
              *{v[0] for v in data.FIELDS.values()} - {c for c, _n in data.DEPARTMENTS}]
    if Agency.objects.filter(code__in=needed).count() < len(set(needed)):
        from portal.ops.demo import seed_agencies, seed_province

        seed_province()
        seed_agencies()
    department = AgencyLevel.objects.get(code="department")
    province = Agency.objects.get(code=data.PROVINCE_CODE)
    for code, name in data.DEPARTMENTS:
        Agency.objects.update_or_create(code=code, defaults={
            "name": name, "level": department, "parent": province,
            "counter_name": f"Bộ phận Một cửa {name}", "counter_address": "Thành phố Thanh Hóa",
            "email": f"{code.replace('.', '')}@thanhhoa.gov.vn".lower(),
        })
    return {a.code: a for a in Agency.objects.all()}


def _field(name: str) -> Field:
    found = Field.objects.filter(name=name).first()
    if found:
        return found
    code = slugify(fold(name))[:40]
    return Field.objects.create(code=code, name=name)


def _law(key: str) -> LegalDocument:
    number, title, issued_on, issuer = data.LAWS[key]
    doc, _created = LegalDocument.objects.update_or_create(
        number=number, issuer=issuer, defaults={"title": title, "issued_on": issued_on})
    return doc


def _decision_document(source_file: str) -> LegalDocument | None:
    if source_file not in data.DECISIONS:
        return None
    number, signed_on, issuer, summary = data.DECISIONS[source_file]
    doc, _created = LegalDocument.objects.update_or_create(
        number=number, issuer=issuer,
        defaults={"title": f"Quyết định {summary[0].lower()}{summary[1:]}",
                  "issued_on": signed_on})
    return doc


# -- one procedure ---------------------------------------------------------------------------


def _implementing(row: Row, owner: Agency) -> str:
    if row.level == "commune":
        if "công chứng" in row.agency_kind:
            return "Ủy ban nhân dân cấp xã; tổ chức hành nghề công chứng"
        return "Ủy ban nhân dân cấp xã"
    return owner.name


def _steps_text(level: str, online: str) -> str:
    where = ("Trung tâm Phục vụ hành chính công cấp xã" if level == "commune"
             else "Trung tâm Phục vụ hành chính công tỉnh")
    lines = [
        f"Bước 1: Tổ chức, cá nhân chuẩn bị hồ sơ và nộp tại {where}"
        + (", qua dịch vụ bưu chính hoặc trực tuyến trên Cổng Dịch vụ công."
           if online != OnlineLevel.NONE else " hoặc qua dịch vụ bưu chính."),
        "Bước 2: Bộ phận Một cửa kiểm tra, tiếp nhận hồ sơ và cấp Giấy tiếp nhận hồ sơ và hẹn "
        "trả kết quả; hồ sơ chưa đầy đủ được hướng dẫn bổ sung một lần.",
        "Bước 3: Cơ quan có thẩm quyền thẩm định, giải quyết hồ sơ.",
        "Bước 4: Tổ chức, cá nhân nhận kết quả tại nơi nộp hồ sơ, qua dịch vụ bưu chính hoặc "
        "trên Cổng Dịch vụ công.",
    ]
    return "\n".join(lines)


def _methods(procedure: Procedure, row: Row) -> None:
    channels = {
        OnlineLevel.FULL: ["online", "counter", "postal"],
        OnlineLevel.PARTIAL: ["online", "counter", "postal"],
        OnlineLevel.NONE: ["counter", "postal"],
    }[OnlineLevel(row.online_level)]
    descriptions = {
        "online": ("Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công"
                   + (" (toàn trình)" if row.online_level == OnlineLevel.FULL
                      else "; xuất trình bản chính khi nhận kết quả")),
        "counter": "Nộp trực tiếp tại Bộ phận Một cửa",
        "postal": "Nộp qua dịch vụ bưu chính công ích",
    }
    for channel in channels:
        ProcedureMethod.objects.update_or_create(
            procedure=procedure, channel=channel,
            defaults={"processing_time": row.processing_time,
                      "processing_unit": row.processing_unit,
                      "description": descriptions[channel]})
    procedure.methods.exclude(channel__in=channels).delete()


def _fees(procedure: Procedure, row: Row) -> None:
    kind = Fee.Kind.FEE if row.field in ("Chứng thực", "Tài nguyên nước") else Fee.Kind.CHARGE
    wanted = fee_rows(row.fee_vnd, kind)
    existing = list(procedure.fees.order_by("id"))
    for index, values in enumerate(wanted):
        fee = existing[index] if index < len(existing) else Fee(procedure=procedure)
        for key, value in values.items():
            setattr(fee, key, value)
        fee.save()
    for extra in existing[len(wanted):]:
        extra.delete()


def _form(procedure: Procedure, spec: tuple[str, str, dict[str, Any]] | None) -> EForm | None:
    if spec is None or procedure.online_level == OnlineLevel.NONE:
        return None
    symbol, name, definition = spec
    form, _created = EForm.objects.update_or_create(
        procedure=procedure, symbol=symbol,
        defaults={"name": name, "signature_required": True, "is_active": True})
    if not form.versions.exists():
        EFormVersion.objects.create(form=form, number=1, definition=definition)
    return form


def _components(procedure: Procedure, family: dict[str, Any], form: EForm | None) -> None:
    components = family["components"]
    for order, (name, originals, copies, requirement, condition, by_form) in enumerate(
            components, start=1):
        DossierComponent.objects.update_or_create(
            procedure=procedure, order=order,
            defaults={"name": name, "originals": originals, "copies": copies,
                      "requirement": requirement, "condition": condition,
                      "form": form if by_form else None})
    procedure.components.filter(order__gt=len(components)).delete()


def plan_steps(row: Row, processing_unit: str, leader_unit: str,
               inter_agency: tuple[Agency, str] | None) -> list[dict[str, Any]]:
    """Steps whose budgets add up exactly to the legal time (1 working day = 8 hours)."""
    total = services.legal_time_in_hours(
        Procedure(processing_time=row.processing_time, processing_unit=row.processing_unit))
    assert total is not None
    intake = {"name": "Tiếp nhận hồ sơ", "unit": "Bộ phận Một cửa", "role": "intake"}
    check = {"name": "Thẩm định hồ sơ", "unit": processing_unit, "role": "processing"}
    sign = {"name": "Phê duyệt, ký kết quả", "unit": leader_unit, "role": "leader"}
    deliver = {"name": "Trả kết quả", "unit": "Bộ phận Một cửa", "role": "intake"}
    hours = "working_hours"
    if total <= 16:
        edge, lead = total / 8, total / 4  # same day: 1 + 4 + 2 + 1; two days: 2 + 8 + 4 + 2
        return [
            {**intake, "budget": edge, "budget_unit": hours},
            {**check, "budget": total - 2 * edge - lead, "budget_unit": hours},
            {**sign, "budget": lead, "budget_unit": hours},
            {**deliver, "budget": edge, "budget_unit": hours},
        ]
    middle = total - 16  # intake 4 h, leader 1 day, delivery 4 h
    steps = [{**intake, "budget": Decimal(4), "budget_unit": hours}]
    if inter_agency is not None and middle >= 3 * HOURS_PER_DAY:
        agency, name = inter_agency
        consult = (middle // HOURS_PER_DAY // 3) * HOURS_PER_DAY
        steps.append({**check, "budget": _days_or_hours(middle - consult)[0],
                      "budget_unit": _days_or_hours(middle - consult)[1]})
        steps.append({"name": name, "unit": agency.name, "role": "processing",
                      "budget": consult / HOURS_PER_DAY, "budget_unit": "working_days",
                      "other_agency": agency})
    else:
        amount, unit = _days_or_hours(middle)
        steps.append({**check, "budget": amount, "budget_unit": unit})
    steps.append({**sign, "budget": Decimal(1), "budget_unit": "working_days"})
    steps.append({**deliver, "budget": Decimal(4), "budget_unit": hours})
    return steps


def _days_or_hours(hours: Decimal) -> tuple[Decimal, str]:
    if hours % HOURS_PER_DAY == 0:
        return hours / HOURS_PER_DAY, "working_days"
    return hours, "working_hours"


def _process(procedure: Procedure, agency: Agency, steps: list[dict[str, Any]]) -> None:
    process, _created = InternalProcess.objects.update_or_create(
        procedure=procedure, agency=agency,
        defaults={"is_active": True, "note": "Quy trình nội bộ mẫu"})
    for order, step in enumerate(steps, start=1):
        ProcessStep.objects.update_or_create(
            process=process, order=order,
            defaults={"name": step["name"], "unit": step["unit"], "role": step["role"],
                      "budget": Decimal(step["budget"]), "budget_unit": step["budget_unit"],
                      "other_agency": step.get("other_agency")})
    process.steps.filter(order__gt=len(steps)).delete()


def seed_procedure(row: Row, agencies: dict[str, Agency],
                   levels: dict[str, AgencyLevel]) -> Procedure:
    owner_code, department_unit, commune_unit = data.FIELDS[row.field]
    owner = agencies[owner_code]
    level = levels["province" if row.level == "province" else "commune"]
    procedure = Procedure.objects.filter(national_code=row.code).first() or Procedure(
        national_code=row.code, status=Procedure.Status.DRAFT)
    family_key = data.CODE_FAMILIES.get(row.code)
    online = row.online_level != OnlineLevel.NONE
    family = (data.FAMILIES[family_key] if family_key
              else data.generic_family(row.field, row.name, online))
    procedure.name = row.name
    procedure.field = _field(row.field)
    procedure.level = level
    procedure.owner_agency = owner
    procedure.implementing_agency_text = _implementing(row, owner)
    procedure.steps = _steps_text(row.level, row.online_level)
    procedure.subjects = family["subjects"]
    procedure.result = family["result"]
    procedure.conditions = family["conditions"]
    procedure.fee_text = row.fee_text
    procedure.processing_time = row.processing_time
    procedure.processing_unit = row.processing_unit
    procedure.same_day_cutoff = (data.SAME_DAY_CUTOFF if row.processing_unit == TimeUnit.SAME_DAY
                                 else None)
    procedure.online_level = row.online_level
    procedure.is_sample = True
    procedure.save()

    if row.level == "commune":
        deciding = [agencies[c] for c in data.COMMUNE_CODES]
        receiving = deciding
    else:
        deciding = [agencies[data.PROVINCE_CODE] if row.code in data.DECIDED_BY_PROVINCE
                    else owner]
        receiving = [agencies[data.SERVICE_CENTRE_CODE], owner]
    procedure.receiving_agencies.set(receiving)
    procedure.deciding_agencies.set(deciding)

    laws = [_law(key) for key in data.FIELD_LAWS.get(row.field, [])]
    decision_doc = _decision_document(row.source_file)
    procedure.legal_basis.set([*laws, *([decision_doc] if decision_doc else [])])

    _methods(procedure, row)
    _fees(procedure, row)
    form = _form(procedure, family["form"])
    _components(procedure, family, form)

    inter = data.INTER_AGENCY.get(row.code)
    inter_agency = (agencies[inter[0]], inter[1]) if inter else None
    if row.level == "commune":
        for code in data.COMMUNE_CODES:
            _process(procedure, agencies[code],
                     plan_steps(row, commune_unit, "Lãnh đạo UBND xã", inter_agency))
    else:
        _process(procedure, owner, plan_steps(row, department_unit, "Lãnh đạo Sở", None))
    return procedure


# -- decisions -------------------------------------------------------------------------------


def _received(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)), get_calendar().tz)


def _decision(number: str, signed_on: Any, summary: str, received_at: datetime,
              items: list[tuple[Procedure, str]]) -> PublicationDecision:
    decision, created = PublicationDecision.objects.get_or_create(
        number=number, defaults={"signed_on": signed_on, "signer": data.SIGNER,
                                 "received_at": received_at, "summary": summary})
    if not created and decision.applied_at is None:
        decision.signed_on, decision.summary, decision.received_at = (
            signed_on, summary, received_at)
        decision.save(update_fields=["signed_on", "summary", "received_at"])
    for procedure, change in items:
        DecisionItem.objects.get_or_create(decision=decision, procedure=procedure,
                                           defaults={"change": change})
    return decision


def seed_decisions(procedures: dict[str, Procedure], rows: list[Row]) -> None:
    pending_codes = {code for code, change in data.PENDING_ITEMS if change == "new"}
    by_source: dict[str, list[Procedure]] = {}
    for row in rows:
        if row.code not in pending_codes:
            by_source.setdefault(row.source_file, []).append(procedures[row.code])
    for source, items in by_source.items():
        if source in data.DECISIONS:
            number, signed_on, _issuer, summary = data.DECISIONS[source]
        else:
            number, signed_on, summary = data.CIVIL_STATUS_DECISION
        decision = _decision(number, signed_on, summary,
                             _received(get_calendar().nth_working_day(signed_on, 1)),
                             [(p, DecisionItem.Change.NEW) for p in items])
        if decision.applied_at is None:
            services.apply_decision(decision)

    calendar = get_calendar()
    today = timezone.localdate()
    number, summary = data.PENDING_DECISION
    received_on = calendar.nth_working_day(today, -3)
    _decision(number, received_on, summary, _received(received_on),
              [(procedures[code], change) for code, change in data.PENDING_ITEMS])

    code, reason = data.SUSPENDED
    suspended = procedures[code]
    suspended.refresh_from_db()
    if suspended.status == Procedure.Status.PUBLISHED:
        services.close(suspended, Procedure.Status.SUSPENDED, reason)


@transaction.atomic
def seed_catalogue() -> int:
    """Load the demo catalogue (idempotent); returns the number of demo procedures."""
    agencies = _agencies()
    levels = {level.code: level for level in AgencyLevel.objects.all()}
    rows = read_rows()
    procedures = {row.code: seed_procedure(row, agencies, levels) for row in rows}
    seed_decisions(procedures, rows)
    return len(procedures)
