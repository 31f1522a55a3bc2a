"""The packets of LEGAL-NOTES §6, built from our dossiers: the dossier record of
``DongBoHoSoMC`` and the progress record of ``CapNhatTienDoHoSoMC``.

Dates are strings ``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh time (LEGAL-NOTES §6). Status codes come
from the one mapping table ``dossiers.states.NATIONAL_STATUS`` (LEGAL-NOTES §1).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dossiers.models import Dossier, DossierEvent, DossierStep
from dossiers.states import NATIONAL_STATUS, Delivery
from portal.agencies.models import Agency

PORTAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"

#: Transitions that ask the applicant for papers: listed in ``DanhSachHoSoBoSung``.
SUPPLEMENT_TRANSITIONS = ("ask_to_complete", "ask_supplement")


def portal_date(value: datetime | None) -> str:
    """``yyyyMMddHHmmss`` in Vietnam time; empty when there is no date."""
    if value is None:
        return ""
    return value.astimezone(PORTAL_TZ).strftime(DATE_FORMAT)


def parse_portal_date(value: str) -> datetime:
    """The inverse of :func:`portal_date` (raises ``ValueError`` on anything else)."""
    if len(value) != 14 or not value.isdigit():
        raise ValueError(value)
    return datetime.strptime(value, DATE_FORMAT).replace(tzinfo=PORTAL_TZ)


def applicant_kind(dossier: Dossier) -> int:
    """``LoaiDoiTuong``: 1 a person (12-digit personal ID), 2 an organisation. The code values are
    inferred from public client code, not confirmed."""
    number = dossier.applicant_id_number or ""
    return 1 if (len(number) in (9, 12) and number.isdigit()) or not number else 2


_PROCESSING_AGENCY = Dossier._meta.get_field("processing_agency")


def _deciding_agency(dossier: Dossier) -> Agency:
    """``processing_agency or receiving_agency``, from memory when it is there: the row locked
    by the transition comes with both agencies, but a transition that has just set the
    processing agency (the move to processing) leaves only its id; the receiving agency's object
    serves when it is the same agency (the usual case)."""
    if dossier.processing_agency_id is None:
        return dossier.receiving_agency
    if (dossier.processing_agency_id == dossier.receiving_agency_id
            and not _PROCESSING_AGENCY.is_cached(dossier)):
        return dossier.receiving_agency
    return dossier.processing_agency or dossier.receiving_agency


def dossier_record(dossier: Dossier, event: DossierEvent | None = None) -> dict[str, Any]:
    """The full dossier record of ``DongBoHoSoMC`` (LEGAL-NOTES §6) as the dossier is now.

    Built from the dossier in memory (``dossiers.services._run`` loads its procedure, field and
    agencies with the locked row); only the lists (requests to complete, files, results) are
    read: three queries whatever their length."""
    procedure = dossier.procedure
    field = procedure.field
    agency = _deciding_agency(dossier)
    supplements = [
        {
            "HoSoBoSungId": e.pk,
            "NgayYeuCau": portal_date(e.at),
            "NoiDungBoSung": "; ".join(e.data.get("defects", [])) or e.reason,
            "NgayHenTraTruoc": portal_date(dossier.processing_due_at),
            "NgayHenTraMoi": portal_date(dossier.rescheduled_due_at
                                         or dossier.processing_due_at),
        }
        for e in dossier.events.filter(transition__in=SUPPLEMENT_TRANSITIONS).order_by("at", "id")
    ]
    files = [
        {"TepDinhKemId": f.pk, "TenTepDinhKem": f.original_name,
         "TenGiayTo": f.component.name if f.component_id and f.component else "",
         "MaThanhPhanHoSo": f.component_id or ""}
        for f in dossier.files.select_related("component").all()
    ]
    results = [
        {"TenGiayTo": r.title, "SoKyHieu": r.number, "NgayKy": portal_date(r.signed_at)}
        for r in dossier.results.all() if r.signed_at is not None
    ]
    return {
        "MaHoSo": dossier.code or "",
        "MaTTHC": procedure.national_code,
        "TenTTHC": procedure.name,
        "MaLinhVuc": field.code,
        "TenLinhVuc": field.name,
        "SoBienNhan": dossier.code or "",
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": applicant_kind(dossier),
        "MaDoiTuong": dossier.applicant_id_number,
        "Email": dossier.applicant_email,
        "SoDienThoai": dossier.applicant_phone,
        "TrichYeuHoSo": dossier.summary or procedure.name,
        "NgayTiepNhan": portal_date(dossier.received_at or dossier.submitted_at),
        "NgayHenTra": portal_date(dossier.rescheduled_due_at or dossier.processing_due_at),
        "TrangThaiHoSo": NATIONAL_STATUS[dossier.state],
        "NgayTra": portal_date(dossier.returned_at),
        "ThongTinTra": dossier.get_delivery_display() if dossier.returned_at else "",
        "HinhThuc": 1 if dossier.delivery == Delivery.POST else 0,
        "NgayKetThucXuLy": portal_date(dossier.settled_at or dossier.closed_at),
        "DonViXuLy": agency.code,
        "GhiChu": event.reason if event is not None else "",
        "TaiLieuNop": files,
        "DanhSachLePhi": [],
        "DanhSachHoSoBoSung": supplements,
        "DanhSachGiayToKetQua": results,
    }


def _event_step(dossier: Dossier, event: DossierEvent) -> DossierStep | None:
    step_id = (event.data or {}).get("step") or (event.data or {}).get("step_id")
    steps = dossier.steps.select_related("agency", "assignee")
    if isinstance(step_id, int):
        found = steps.filter(pk=step_id).first()
        if found is not None:
            return found
    return steps.order_by("-started_at", "-id").first()


def progress_record(dossier: Dossier, event: DossierEvent) -> dict[str, Any]:
    """The progress record of ``CapNhatTienDoHoSoMC`` (LEGAL-NOTES §6) for a step event.

    ``TrangThai``: 1 the step is open, 2 it is finished (inferred, not confirmed)."""
    step = _event_step(dossier, event)
    assignee = step.assignee if step is not None else None
    return {
        "MaHoSo": dossier.code or "",
        "NguoiXuLy": (assignee.get_full_name() if assignee is not None else "")
        or event.actor_name,
        "ChucDanh": step.role if step is not None else "",
        "ThoiDiemXuLy": portal_date(event.at),
        "PhongBanXuLy": (step.unit or step.agency.name) if step is not None else "",
        "NoiDungXuLy": (f"{step.name}: " if step is not None else "") + (
            event.reason or event.transition),
        "TrangThai": 2 if step is not None and step.finished_at is not None else 1,
        "NgayBatDau": portal_date(step.started_at if step is not None else event.at),
        "NgayKetThucTheoQuyDinh": portal_date(step.due_at if step is not None else None),
    }
