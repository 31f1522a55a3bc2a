"""Excel import and export of the procedures catalogue (U4).

The workbook has the national database's export shape: one row per procedure with its code, name,
field, level, agencies, processing time, fees, online service level and status, under Vietnamese
headers (:data:`COLUMNS`).

Import is idempotent by national code (create or update), validates every row first and writes
nothing when any row has an error or when it is a dry run; everything is written in one
transaction. The report lists, per row, the action (created / updated / unchanged) and the changed
fields, for the admin's preview.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from portal.agencies.models import Agency, AgencyLevel
from portal.audit.services import Action, record
from portal.text import fold

from .models import Field, OnlineLevel, Procedure, TimeUnit

# -- the sheet's shape -----------------------------------------------------------------------

CODE = "Mã thủ tục"
NAME = "Tên thủ tục"
FIELD = "Lĩnh vực"
LEVEL = "Cấp thực hiện"
IMPLEMENTING = "Cơ quan thực hiện"
OWNER = "Cơ quan quản lý"
TIME = "Thời hạn giải quyết"
UNIT = "Đơn vị thời hạn"
FEE = "Phí, lệ phí"
ONLINE = "Mức độ dịch vụ công trực tuyến"
STATUS = "Trạng thái"

#: Headers in order, with column widths (characters).
COLUMNS: list[tuple[str, int]] = [
    (CODE, 12), (NAME, 70), (FIELD, 30), (LEVEL, 14), (IMPLEMENTING, 40), (OWNER, 16),
    (TIME, 12), (UNIT, 16), (FEE, 45), (ONLINE, 16), (STATUS, 16),
]
#: Headers an import cannot do without; the others may be left out (those values stay as they are).
REQUIRED_HEADERS = (CODE, NAME, FIELD, LEVEL, OWNER, TIME, UNIT, FEE, ONLINE)
SHEET_TITLE = "Danh mục TTHC"

UNIT_WORDS: dict[str, str] = {
    TimeUnit.WORKING_DAYS: "ngày làm việc",
    TimeUnit.WORKING_HOURS: "giờ làm việc",
    TimeUnit.SAME_DAY: "trong ngày",
}
ONLINE_WORDS: dict[str, str] = {
    OnlineLevel.FULL: "Toàn trình",
    OnlineLevel.PARTIAL: "Một phần",
    OnlineLevel.NONE: "Không",
}
STATUS_WORDS: dict[str, str] = {
    Procedure.Status.DRAFT: "Dự thảo",
    Procedure.Status.PUBLISHED: "Đang áp dụng",
    Procedure.Status.SUSPENDED: "Tạm dừng",
    Procedure.Status.ABOLISHED: "Bãi bỏ",
}

#: Accepted spellings (folded) of a unit or an online level, besides the codes.
_UNIT_ALIASES = {
    **{fold(word): unit for unit, word in UNIT_WORDS.items()},
    **{unit.value: unit for unit in TimeUnit},
    "ngay": TimeUnit.WORKING_DAYS,
    "gio": TimeUnit.WORKING_HOURS,
    "ngay trong ngay": TimeUnit.SAME_DAY,
    "trong ngay lam viec": TimeUnit.SAME_DAY,
}
_ONLINE_ALIASES = {
    **{fold(word): level for level, word in ONLINE_WORDS.items()},
    **{level.value: level for level in OnlineLevel},
    "mot phan": OnlineLevel.PARTIAL,
    "toan trinh": OnlineLevel.FULL,
    "truc tiep": OnlineLevel.NONE,
}

#: Largest sheet an import reads (rows after the header).
MAX_ROWS = 10_000
_CODE_RE = re.compile(r"^\d\.\d{6}$")
_HEADER_SCAN_ROWS = 10


# -- export ----------------------------------------------------------------------------------


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def implementing_text(procedure: Procedure) -> str:
    """The "implementing agency" cell: the published wording, else the deciding agencies."""
    if procedure.implementing_agency_text:
        return procedure.implementing_agency_text
    return "; ".join(a.name for a in procedure.deciding_agencies.all())


def export_row(procedure: Procedure) -> list[Any]:
    """One procedure as the cells of its row, in :data:`COLUMNS` order."""
    same_day = procedure.processing_unit == TimeUnit.SAME_DAY
    return [
        procedure.national_code,
        procedure.name,
        procedure.field.name,
        procedure.level.name if procedure.level else "",
        implementing_text(procedure),
        procedure.owner_agency.code,
        None if same_day else _number(procedure.processing_time),
        UNIT_WORDS.get(procedure.processing_unit, procedure.processing_unit),
        procedure.fee_text,
        ONLINE_WORDS.get(procedure.online_level, procedure.online_level),
        STATUS_WORDS.get(procedure.status, procedure.status),
    ]


def export_catalogue(queryset: QuerySet[Procedure] | Iterable[Procedure] | None = None) -> bytes:
    """The procedures as an .xlsx workbook: bold frozen header row, set column widths."""
    if queryset is None:
        queryset = Procedure.objects.all()
    if isinstance(queryset, QuerySet):
        queryset = (queryset.select_related("field", "level", "owner_agency")
                    .prefetch_related("deciding_agencies").order_by("national_code"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append([header for header, _width in COLUMNS])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, (_header, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = width
    for procedure in queryset:
        sheet.append(export_row(procedure))
        row = sheet.max_row
        sheet.cell(row=row, column=1).number_format = "@"
        sheet.cell(row=row, column=6).number_format = "@"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(sheet.max_row, 1)}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# -- import report ---------------------------------------------------------------------------

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
ACTION_LABELS = {
    CREATED: gettext_lazy("created"),
    UPDATED: gettext_lazy("updated"),
    UNCHANGED: gettext_lazy("unchanged"),
}


@dataclass(frozen=True)
class RowError:
    """A problem of one cell (``row`` is the Excel row number), or of the file (``row`` None)."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return _("Row %(row)s, column \"%(column)s\": %(message)s") % {
                "row": self.row, "column": self.column, "message": self.message}
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class RowResult:
    """What an import does (or would do) with one row. ``changes`` maps a column header to the
    old and the new value as shown in the sheet."""

    row: int
    national_code: str
    name: str
    action: str
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])


@dataclass
class ImportReport:
    """The outcome of :func:`import_catalogue`. ``applied`` is true when it wrote to the
    database (no errors and not a dry run)."""

    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def created(self) -> int:
        return self.count(CREATED)

    @property
    def updated(self) -> int:
        return self.count(UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    def summary(self) -> str:
        if self.errors:
            return _("%(count)s error(s) found; nothing was imported.") % {
                "count": len(self.errors)}
        counts = {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}
        if self.dry_run:
            return _("Preview (nothing written yet): %(created)s to create, %(updated)s to "
                     "update, %(unchanged)s unchanged.") % counts
        return _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s "
                 "unchanged.") % counts


# -- import ----------------------------------------------------------------------------------


@dataclass
class _Row:
    row: int
    code: str
    name: str
    field_name: str
    field_obj: Field | None
    level: AgencyLevel | None
    owner: Agency | None
    implementing: str | None  # None: column absent, leave as is
    time: Decimal | None
    unit: str
    fee_text: str
    online_level: str


class _FileError(Exception):
    pass


def _read_bytes(source: bytes | str | Path | IO[bytes] | Any) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read()
    if not isinstance(data, bytes):
        raise _FileError(_("The upload is not an Excel workbook (.xlsx)."))
    return data


def _open_sheet(data: bytes) -> list[tuple[Any, ...]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # any unreadable upload: zip, XML or openpyxl error
        raise _FileError(_("The file is not an Excel workbook (.xlsx); save it as \"Excel "
                           "Workbook\" and upload it again.")) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise _FileError(_("The workbook has no sheet."))
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(tuple(values))
            if len(rows) > MAX_ROWS + _HEADER_SCAN_ROWS:
                raise _FileError(_("The sheet has more than %(max)s rows; split it into "
                                   "several files.") % {"max": MAX_ROWS})
        return rows
    finally:
        workbook.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _find_header(rows: list[tuple[Any, ...]]) -> tuple[int, dict[str, int]]:
    """Index of the header row and the column index of each known header."""
    known = {fold(header): header for header, _w in COLUMNS}
    for index, values in enumerate(rows[:_HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for column, value in enumerate(values):
            header = known.get(fold(_text(value)))
            if header and header not in found:
                found[header] = column
        if CODE in found:
            missing = [h for h in REQUIRED_HEADERS if h not in found]
            if missing:
                raise _FileError(_("The header row (row %(row)s) lacks the column(s): "
                                   "%(columns)s.") % {"row": index + 1,
                                                       "columns": ", ".join(missing)})
            return index, found
    raise _FileError(_("No header row found: the first sheet must have a row with the columns "
                       "%(columns)s.") % {"columns": ", ".join(REQUIRED_HEADERS)})


def _code(value: Any) -> str:
    if isinstance(value, float | Decimal) and not isinstance(value, bool):
        return f"{value:.6f}"  # a code typed as a number: 1.0012 is 1.001200
    return _text(value)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return Decimal(_text(value).replace(",", "."))


class _Lookups:
    """Levels, agencies and fields, read once per import."""

    def __init__(self) -> None:
        self.levels: dict[str, AgencyLevel] = {}
        for level in AgencyLevel.objects.all():
            self.levels[fold(level.name)] = level
            self.levels[level.code.lower()] = level
        self.fields = {fold(f.name): f for f in Field.objects.all()}
        self.agencies: dict[str, Agency] = {}

    def agency(self, code: str) -> Agency | None:
        key = code.upper()
        if key not in self.agencies:
            found = Agency.objects.filter(code=key).first()
            if found is None:
                return None
            self.agencies[key] = found
        return self.agencies[key]


def _parse_row(number: int, values: tuple[Any, ...], columns: dict[str, int],
               lookups: _Lookups, errors: list[RowError]) -> _Row | None:
    def cell(header: str) -> Any:
        index = columns.get(header)
        return values[index] if index is not None and index < len(values) else None

    def error(header: str, message: str) -> None:
        errors.append(RowError(number, header, message))

    before = len(errors)
    code = _code(cell(CODE))
    if not code:
        error(CODE, _("give the national code."))
    elif not _CODE_RE.match(code):
        error(CODE, _("\"%(value)s\" is not a national code (the form is 1.001193).")
              % {"value": code})
    name = _text(cell(NAME))
    if not name:
        error(NAME, _("give the procedure's name."))
    elif len(name) > 500:
        error(NAME, _("at most %(max)s characters.") % {"max": 500})
    field_name = " ".join(_text(cell(FIELD)).split())
    if not field_name:
        error(FIELD, _("give the field."))
    elif len(field_name) > 255:
        error(FIELD, _("at most %(max)s characters.") % {"max": 255})
    level = None
    level_text = _text(cell(LEVEL))
    if level_text:
        level = lookups.levels.get(fold(level_text)) or lookups.levels.get(level_text.lower())
        if level is None:
            error(LEVEL, _("unknown level \"%(value)s\"; use one of: %(choices)s.")
                  % {"value": level_text, "choices": ", ".join(
                      sorted({lv.name for lv in lookups.levels.values()}))})
    owner = None
    owner_code = _text(cell(OWNER))
    if not owner_code:
        error(OWNER, _("give the managing agency's code (e.g. 000.00.13.H56)."))
    else:
        owner = lookups.agency(owner_code)
        if owner is None:
            error(OWNER, _("no agency has the code \"%(value)s\".") % {"value": owner_code})
    unit_text = _text(cell(UNIT))
    unit = TimeUnit.WORKING_DAYS.value
    if unit_text:
        found_unit = _UNIT_ALIASES.get(fold(unit_text))
        if found_unit is None:
            error(UNIT, _("unknown unit \"%(value)s\"; use one of: %(choices)s.")
                  % {"value": unit_text, "choices": ", ".join(UNIT_WORDS.values())})
        else:
            unit = TimeUnit(found_unit).value
    time = None
    raw_time = cell(TIME)
    if _text(raw_time) and unit != TimeUnit.SAME_DAY:
        try:
            time = _decimal(raw_time)
        except InvalidOperation:
            error(TIME, _("\"%(value)s\" is not a number.") % {"value": _text(raw_time)})
        else:
            if not time.is_finite() or time < 0 or time >= 100000 or time != time.quantize(
                    Decimal("0.1")):
                error(TIME, _("a number from 0 to 99999.9 with at most one decimal."))
                time = None
            else:
                time = time.quantize(Decimal("0.1"))
    online_text = _text(cell(ONLINE))
    online = OnlineLevel.NONE.value
    if online_text:
        found_online = _ONLINE_ALIASES.get(fold(online_text))
        if found_online is None:
            error(ONLINE, _("unknown online service level \"%(value)s\"; use one of: "
                            "%(choices)s.") % {"value": online_text,
                                               "choices": ", ".join(ONLINE_WORDS.values())})
        else:
            online = OnlineLevel(found_online).value
    implementing = _text(cell(IMPLEMENTING)) if IMPLEMENTING in columns else None
    if implementing is not None and len(implementing) > 500:
        error(IMPLEMENTING, _("at most %(max)s characters.") % {"max": 500})
    if len(errors) > before:
        return None
    return _Row(number, code, name, field_name, lookups.fields.get(fold(field_name)), level,
                owner, implementing, time, unit, _text(cell(FEE)), online)


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _diff(procedure: Procedure | None, row: _Row) -> dict[str, tuple[str, str]]:
    """Changed columns: ``{header: (old, new)}``; for a new procedure every filled column."""
    new_values: dict[str, Any] = {
        NAME: row.name,
        FIELD: row.field_obj.name if row.field_obj else row.field_name,
        LEVEL: row.level.name if row.level else "",
        OWNER: row.owner.code if row.owner else "",
        TIME: row.time,
        UNIT: UNIT_WORDS[row.unit],
        FEE: row.fee_text,
        ONLINE: ONLINE_WORDS[row.online_level],
    }
    if row.implementing is not None:
        new_values[IMPLEMENTING] = row.implementing
    if procedure is None:
        return {h: ("", _display(v)) for h, v in new_values.items() if _display(v)}
    old_values: dict[str, Any] = {
        NAME: procedure.name,
        FIELD: procedure.field.name,
        LEVEL: procedure.level.name if procedure.level else "",
        OWNER: procedure.owner_agency.code,
        TIME: (None if procedure.processing_unit == TimeUnit.SAME_DAY
               else procedure.processing_time),
        UNIT: UNIT_WORDS.get(procedure.processing_unit, procedure.processing_unit),
        FEE: procedure.fee_text,
        ONLINE: ONLINE_WORDS.get(procedure.online_level, procedure.online_level),
        IMPLEMENTING: implementing_text(procedure),
    }
    changes = {}
    for header, new in new_values.items():
        old = old_values[header]
        if header == FIELD:
            same = fold(str(old)) == fold(str(new)) and row.field_obj is not None
        elif header == TIME:
            same = old == new
        else:
            same = old == new
        if not same:
            changes[header] = (_display(old), _display(new))
    return changes


def _field_for(name: str) -> Field:
    found = Field.objects.filter(name__iexact=name).first()
    if found is None:
        found = next((f for f in Field.objects.all() if fold(f.name) == fold(name)), None)
    if found is not None:
        return found
    base = (slugify(fold(name)) or "linh-vuc")[:34]
    code, n = base, 1
    while Field.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return Field.objects.create(code=code, name=name)


def _apply(row: _Row, procedure: Procedure | None, changes: dict[str, Any]) -> Procedure:
    assert row.owner is not None
    field_obj = row.field_obj or _field_for(row.field_name)
    if procedure is None:
        procedure = Procedure(national_code=row.code, status=Procedure.Status.DRAFT)
    procedure.name = row.name
    procedure.field = field_obj
    procedure.level = row.level
    procedure.owner_agency = row.owner
    procedure.processing_time = row.time
    procedure.processing_unit = row.unit
    procedure.fee_text = row.fee_text
    procedure.online_level = row.online_level
    if row.implementing is not None and IMPLEMENTING in changes:
        procedure.implementing_agency_text = row.implementing
    created = procedure.pk is None
    procedure.save()
    if created:
        procedure.receiving_agencies.add(row.owner)
        procedure.deciding_agencies.add(row.owner)
    return procedure


def import_catalogue(source: bytes | str | Path | IO[bytes] | Any, *, dry_run: bool,
                     by: Any = None, allowed_agency_ids: set[int] | None = None) -> ImportReport:
    """Read a catalogue workbook and create or update procedures by national code.

    ``source`` is the file's bytes, a path, or a file object (e.g. an upload). With ``dry_run``
    or when any row has an error nothing is written; otherwise every row is written in one
    transaction and the import is audited. ``allowed_agency_ids`` limits the rows to procedures
    managed by those agencies (an agency admin imports only their own agency's procedures).
    New procedures are drafts; existing ones keep their status.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        rows = _open_sheet(_read_bytes(source))
        header_index, columns = _find_header(rows)
    except (_FileError, OSError) as exc:
        message = str(exc) if isinstance(exc, _FileError) else _(
            "The file could not be read.")
        report.errors.append(RowError(None, "", message))
        return report

    lookups = _Lookups()
    parsed: list[_Row] = []
    seen: dict[str, int] = {}
    for offset, values in enumerate(rows[header_index + 1:], start=header_index + 2):
        if not any(_text(v) for v in values):
            continue
        row = _parse_row(offset, values, columns, lookups, report.errors)
        if row is None:
            continue
        if row.code in seen:
            report.errors.append(RowError(offset, CODE, _(
                "the code %(code)s is already on row %(row)s.") % {
                    "code": row.code, "row": seen[row.code]}))
            continue
        seen[row.code] = offset
        if (allowed_agency_ids is not None and row.owner is not None
                and row.owner.pk not in allowed_agency_ids):
            report.errors.append(RowError(offset, OWNER, _(
                "you may import only the procedures of your own agency.")))
            continue
        parsed.append(row)
    if not parsed and not report.errors:
        report.errors.append(RowError(None, "", _("The sheet has no procedure rows.")))
    if report.errors:
        return report

    try:
        with transaction.atomic():
            existing_qs = Procedure.objects.filter(national_code__in=[r.code for r in parsed])
            if not dry_run:
                existing_qs = existing_qs.select_for_update(of=("self",))
            existing = {p.national_code: p for p in existing_qs.select_related(
                "field", "level", "owner_agency").prefetch_related("deciding_agencies")}
            plan = []
            for row in parsed:
                procedure = existing.get(row.code)
                if (procedure is not None and allowed_agency_ids is not None
                        and procedure.owner_agency_id not in allowed_agency_ids):
                    report.errors.append(RowError(row.row, CODE, _(
                        "this procedure is managed by %(agency)s; you may not change it.")
                        % {"agency": procedure.owner_agency.name}))
                    continue
                changes = _diff(procedure, row)
                action = CREATED if procedure is None else (UPDATED if changes else UNCHANGED)
                report.rows.append(RowResult(row.row, row.code, row.name, action, changes))
                plan.append((row, procedure, changes, action))
            if report.errors or dry_run:
                return report
            for row, procedure, changes, action in plan:
                if action != UNCHANGED:
                    _apply(row, procedure, changes)
            report.applied = True
            record(
                Action.IMPORT, actor=by, object_type="procedures.procedure",
                object_repr=_("Procedures catalogue (Excel)"),
                message=report.summary(),
                changes={
                    "created": [r.national_code for r in report.rows if r.action == CREATED],
                    "updated": [r.national_code for r in report.rows if r.action == UPDATED],
                    "unchanged": report.unchanged,
                },
            )
    except (IntegrityError, OperationalError):  # a concurrent change or a lock timeout
        report.rows.clear()
        report.applied = False
        report.errors.append(RowError(None, "", _(
            "The catalogue changed while importing; nothing was imported. Try again.")))
    return report
