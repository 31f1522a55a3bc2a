"""LEGAL-NOTES §6: the DVCQG client against the stand-in portal — session login, each service,
``yyyyMMddHHmmss`` dates in Vietnam time, error codes, session renewal, timeouts; every call
logged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal.dvcqg.client import DvcqgClient, DvcqgError
from portal.dvcqg.models import CallLog
from portal.dvcqg.records import parse_portal_date, portal_date

pytestmark = pytest.mark.django_db

RECORD = {"MaHoSo": "000.01.30.H56-260309-0001", "MaTTHC": "1.001193",
          "TenTTHC": "Đăng ký khai sinh", "ChuHoSo": "Nguyễn Văn An",
          "NgayTiepNhan": "20260309090000", "NgayHenTra": "20260310090000",
          "TrangThaiHoSo": 2, "DonViXuLy": "000.01.30.H56", "HinhThuc": 0,
          "TaiLieuNop": [], "DanhSachLePhi": [], "DanhSachHoSoBoSung": [],
          "DanhSachGiayToKetQua": []}


def test_dates_are_vietnam_time_yyyymmddhhmmss():
    instant = datetime(2026, 3, 9, 2, 0, 5, tzinfo=UTC)
    assert portal_date(instant) == "20260309090005"
    assert parse_portal_date("20260309090005") == instant
    assert portal_date(None) == ""
    with pytest.raises(ValueError):
        parse_portal_date("09/03/2026")


def test_login_and_every_service(standin):
    client = DvcqgClient()
    assert client.login()
    assert client.sync_dossier(RECORD, updating=False)["error_code"] == 0
    progress = {"MaHoSo": RECORD["MaHoSo"], "NguoiXuLy": "Trần Thị Bình",
                "ChucDanh": "specialist", "ThoiDiemXuLy": "20260309100000",
                "PhongBanXuLy": "Phòng Tư pháp", "NoiDungXuLy": "Thẩm định", "TrangThai": 1,
                "NgayBatDau": "20260309090000", "NgayKetThucTheoQuyDinh": "20260309170000"}
    assert client.update_progress(progress)["error_code"] == 0
    assert client.lookup(RECORD["MaHoSo"])["TrangThaiHoSo"] == 2
    with pytest.raises(DvcqgError) as unknown:
        client.lookup("000.01.30.H56-260309-9999")
    assert unknown.value.error_code == 2
    catalogue = client.procedures()
    assert {"1.001193", "2.000635"} <= {p["MaTTHC"] for p in catalogue}
    assert client.procedure("1.001193")["TenLinhVuc"] == "Hộ tịch"
    assert [e.service for e in standin.events] == ["DongBoHoSoMC", "CapNhatTienDoHoSoMC"]
    logged = list(CallLog.objects.order_by("id").values_list("service", "ok"))
    assert logged[0] == ("login", True) and len(logged) == 7
    assert CallLog.objects.get(service="TraCuuHoSo", ok=False).error_code == 2


def test_bad_packets_are_refused_with_the_field(standin):
    client = DvcqgClient()
    with pytest.raises(DvcqgError) as error:
        client.sync_dossier({**RECORD, "TrangThaiHoSo": 11, "NgayHenTra": "10/03/2026"})
    assert error.value.error_code == 3
    assert "TrangThaiHoSo" in str(error.value) and "NgayHenTra" in str(error.value)
    assert not standin.events


def test_wrong_password_and_no_portal(standin, settings):
    with pytest.raises(DvcqgError):
        DvcqgClient(password="wrong").login()
    settings.DVCQG_BASE_URL = ""
    with pytest.raises(DvcqgError):
        DvcqgClient().login()


def test_an_expired_session_is_renewed_once(standin):
    client = DvcqgClient()
    client.login()
    standin.sessions.clear()  # the portal forgot our session
    assert client.sync_dossier(RECORD)["error_code"] == 0
    assert CallLog.objects.filter(service="login").count() == 2


def test_timeouts_and_unreachable_portal(standin, settings):
    client = DvcqgClient(timeout=0.2)
    client.login()
    standin.timeout_rate, standin.delay = 1.0, 0.5
    with pytest.raises(DvcqgError, match="timeout"):
        client.sync_dossier(RECORD)
    standin.close()
    with pytest.raises(DvcqgError, match="connection failed"):
        DvcqgClient().login()
    failed = CallLog.objects.filter(ok=False)
    assert failed.count() == 2 and all(c.duration_ms >= 0 for c in failed)
