"""Excel export / import of the catalogue (U4): national export shape, idempotent by national
code, dry-run preview, row-level errors, nothing half-imported."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from portal.audit.models import AuditEntry
from portal.ops.demo import seed_core
from procedures.demo import seed_catalogue
from procedures.excel import (
    CODE,
    COLUMNS,
    LEVEL,
    NAME,
    OWNER,
    TIME,
    export_catalogue,
    import_catalogue,
)
from procedures.models import Field, Procedure, TimeUnit
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

HEADERS = [h for h, _w in COLUMNS]


def sheet(*rows: list, headers: list[str] | None = None) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.append(headers or HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def row(code="1.001193", name="Thủ tục đăng ký khai sinh", field="Hộ tịch", level="Cấp xã",
        impl="Ủy ban nhân dân cấp xã", owner="000.00.13.H56", time=None, unit="trong ngày",
        fee="Không", online="Toàn trình", status="Đang áp dụng") -> list:
    return [code, name, field, level, impl, owner, time, unit, fee, online, status]


def snapshot() -> list[tuple]:
    return list(Procedure.objects.order_by("national_code").values_list(
        "national_code", "name", "field__name", "level__code", "owner_agency__code",
        "processing_time", "processing_unit", "fee_text", "online_level", "status",
        "implementing_agency_text", "updated_at"))


@pytest.fixture
def core():
    seed_core()


@pytest.fixture
def catalogue(core) -> int:
    return seed_catalogue()


def test_export_has_the_national_shape(catalogue):
    data = export_catalogue(Procedure.objects.all())
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]] == HEADERS
    assert ws[1][0].font.bold
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width == 70
    assert ws.max_row == catalogue + 1
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    birth = rows["1.001193"]
    assert birth[1:4] == ("Thủ tục đăng ký khai sinh", "Hộ tịch", "Cấp xã")
    assert birth[5] == "000.00.13.H56"
    assert birth[6] is None and birth[7] == "trong ngày"
    assert birth[9] == "Toàn trình" and birth[10] == "Đang áp dụng"
    drilling = rows["1.004122"]
    assert drilling[6:10] == (22, "ngày làm việc",
                              "Trực tiếp/bưu chính: 1.400.000 đ; trực tuyến: 700.000 đ",
                              "Một phần")
    assert rows["1.012994"][6:8] == (168, "giờ làm việc")
    assert rows["2.000884"][9] == "Không"
    assert rows["1.009403"][10] == "Tạm dừng"


def test_round_trip_of_the_demo_catalogue_is_idempotent(catalogue):
    data = export_catalogue(Procedure.objects.all())
    before = snapshot()
    audits = AuditEntry.objects.count()
    report = import_catalogue(data, dry_run=False)
    assert report.ok, [str(e) for e in report.errors]
    assert report.unchanged == catalogue and report.created == report.updated == 0
    assert snapshot() == before  # not even updated_at moved
    assert AuditEntry.objects.count() == audits + 1
    second = import_catalogue(data, dry_run=False)
    assert second.unchanged == catalogue and snapshot() == before


def test_import_into_an_empty_catalogue_creates_drafts_and_fields(core, admin_user):
    data = sheet(row(), row(code="1.004122", name="Cấp giấy phép hành nghề khoan nước dưới đất",
                            field="Tài nguyên nước", level="province", impl="",
                            owner="000.00.15.h56", time=22, unit="ngay lam viec",
                            fee="1.400.000 đ", online="mot phan"))
    report = import_catalogue(data, dry_run=False, by=admin_user)
    assert report.ok and report.applied and report.created == 2
    created = Procedure.objects.get(national_code="1.004122")
    assert created.status == Procedure.Status.DRAFT
    assert created.level.code == "province" and created.owner_agency.code == "000.00.15.H56"
    assert (created.processing_time, created.processing_unit) == (Decimal(22), "working_days")
    assert created.online_level == "partial"
    assert Field.objects.filter(name="Tài nguyên nước").exists()
    assert list(created.deciding_agencies.values_list("code", flat=True)) == ["000.00.15.H56"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert entry.actor == admin_user and "1.004122" in entry.changes["created"]
    assert Procedure.objects.get(national_code="1.001193").processing_unit == TimeUnit.SAME_DAY


def test_update_by_national_code_changes_fields_and_keeps_the_status(catalogue):
    data = export_catalogue(Procedure.objects.filter(national_code="1.000894"))
    ws = load_workbook(io.BytesIO(data)).active
    ws["G2"] = 7
    ws["B2"] = "Thủ tục đăng ký kết hôn (sửa đổi)"
    out = io.BytesIO()
    ws.parent.save(out)
    preview = import_catalogue(out.getvalue(), dry_run=True)
    assert preview.ok and not preview.applied
    assert preview.rows[0].action == "updated"
    assert preview.rows[0].changes[TIME] == ("5", "7")
    assert preview.rows[0].changes[NAME][1] == "Thủ tục đăng ký kết hôn (sửa đổi)"
    marriage = Procedure.objects.get(national_code="1.000894")
    assert marriage.processing_time == 5  # dry run wrote nothing
    report = import_catalogue(out.getvalue(), dry_run=False)
    assert report.applied and report.updated == 1
    marriage.refresh_from_db()
    assert marriage.processing_time == 7 and marriage.name.endswith("(sửa đổi)")
    assert marriage.status == Procedure.Status.PUBLISHED
    assert "sua doi" in marriage.search_text


def test_dry_run_writes_nothing(core):
    report = import_catalogue(sheet(row()), dry_run=True)
    assert report.ok and report.created == 1 and not report.applied
    assert report.rows[0].changes[NAME] == ("", "Thủ tục đăng ký khai sinh")
    assert not Procedure.objects.exists()
    assert not Field.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).exists()


def test_row_errors_import_nothing_and_name_row_and_column(core):
    data = sheet(
        row(),
        row(code="1.1193"),
        row(code="1.000894", owner="999.99.99.H99"),
        row(code="1.000656", level="Cấp huyện"),
        row(code="1.004873", name=""),
        row(code="2.000635", time="năm", unit="ngày làm việc"),
        row(code="1.001193"),
    )
    report = import_catalogue(data, dry_run=False)
    assert not report.ok and not report.applied
    found = {(e.row, e.column) for e in report.errors}
    assert found == {(3, CODE), (4, OWNER), (5, LEVEL), (6, NAME), (7, TIME), (8, CODE)}
    assert not Procedure.objects.exists()
    message = str(next(e for e in report.errors if e.row == 5))
    assert "5" in message and LEVEL in message and "Cấp huyện" in message


def test_error_messages_are_translated(core):
    from django.utils import translation

    with translation.override("vi"):
        report = import_catalogue(sheet(row(name="")), dry_run=True)
        assert str(report.errors[0]) == (
            "Dòng 2, cột \"Tên thủ tục\": hãy nhập tên thủ tục.")
        bad = import_catalogue(b"not a workbook", dry_run=True)
        assert "không phải là tệp Excel" in str(bad.errors[0])


def test_a_file_that_is_not_xlsx_gives_a_clear_error(core):
    report = import_catalogue(b"code,name\n1.001193,x\n", dry_run=False)
    assert not report.ok and report.errors[0].row is None
    assert ".xlsx" in report.errors[0].message
    upload = io.BytesIO(b"%PDF-1.4 fake")
    assert not import_catalogue(upload, dry_run=True).ok


def test_missing_headers_give_a_clear_error(core):
    report = import_catalogue(sheet(["1.001193", "x"], headers=[CODE, NAME]), dry_run=True)
    assert not report.ok
    assert OWNER in report.errors[0].message and LEVEL in report.errors[0].message
    empty = import_catalogue(sheet(headers=["a", "b"]), dry_run=True)
    assert CODE in empty.errors[0].message


def test_agency_admins_import_only_their_own_agency(catalogue):
    from portal.agencies.models import Agency

    justice = Agency.objects.get(code="000.00.13.H56")
    data = export_catalogue(Procedure.objects.all())
    report = import_catalogue(data, dry_run=False, allowed_agency_ids={justice.pk})
    assert not report.ok and not report.applied
    assert all(e.column == OWNER for e in report.errors)
    own = export_catalogue(Procedure.objects.filter(owner_agency=justice))
    assert import_catalogue(own, dry_run=False, allowed_agency_ids={justice.pk}).ok
    # taking over another agency's procedure by changing the managing agency is refused
    other = Procedure.objects.get(national_code="1.004122")
    takeover = sheet(row(code=other.national_code, name=other.name, field=other.field.name,
                         level="Cấp tỉnh", owner="000.00.13.H56", time=22,
                         unit="ngày làm việc"))
    refused = import_catalogue(takeover, dry_run=False, allowed_agency_ids={justice.pk})
    assert [(e.row, e.column) for e in refused.errors] == [(2, CODE)]
    other.refresh_from_db()
    assert other.owner_agency.code == "000.00.21.H56"


def test_codes_typed_as_numbers_and_header_below_a_title(core):
    workbook = Workbook()
    ws = workbook.active
    ws.append(["DANH MỤC THỦ TỤC HÀNH CHÍNH"])
    ws.append(HEADERS)
    ws.append(row(code=1.0012, time=None))
    out = io.BytesIO()
    workbook.save(out)
    report = import_catalogue(out.getvalue(), dry_run=False)
    assert report.ok, [str(e) for e in report.errors]
    assert report.rows[0].row == 3
    assert Procedure.objects.filter(national_code="1.001200").exists()


def test_existing_procedures_keep_their_other_information(core):
    from portal.agencies.models import Agency

    procedure = ProcedureFactory(national_code="1.001193", status="published",
                                 owner_agency=Agency.objects.get(code="000.00.13.H56"),
                                 result="Giấy khai sinh", processing_time=Decimal(1))
    report = import_catalogue(sheet(row(owner=procedure.owner_agency.code)), dry_run=False)
    assert report.updated == 1
    procedure.refresh_from_db()
    assert procedure.result == "Giấy khai sinh" and procedure.status == "published"
    assert procedure.processing_unit == TimeUnit.SAME_DAY


def test_management_commands(catalogue, tmp_path, capsys):
    out = tmp_path / "catalogue.xlsx"
    call_command("export_catalogue", str(out))
    assert out.stat().st_size > 0
    call_command("import_catalogue", str(out), "--dry-run")
    assert f"{catalogue} thủ tục không đổi" in capsys.readouterr().out
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"nope")
    with pytest.raises(CommandError):
        call_command("import_catalogue", str(bad))
