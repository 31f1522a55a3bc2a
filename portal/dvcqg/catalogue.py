"""Import of the national catalogue (LEGAL-NOTES §6: ``LayDanhSachTTHC``, ``LayThuTuc``) into
draft procedures, idempotent by the national code (MaTTHC). A procedure that exists already is
left as it is: the province edits and publishes its own version (P1-P3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from portal.agencies.models import Agency
from procedures.models import NATIONAL_CODE_VALIDATOR, Field, Procedure, TimeUnit

from .client import DvcqgClient, DvcqgError


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def _time(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def import_procedures(owner: Agency, *, client: DvcqgClient | None = None,
                      codes: list[str] | None = None) -> ImportReport:
    """Create a draft :class:`Procedure` owned by ``owner`` for every national procedure not
    known yet (only ``codes`` when given)."""
    client = client or DvcqgClient()
    report = ImportReport()
    listed = client.procedures()
    known = set(Procedure.objects.values_list("national_code", flat=True))
    for item in listed:
        code = str(item.get("MaTTHC", ""))
        if codes and code not in codes:
            continue
        if code in known:
            report.existing.append(code)
            continue
        try:
            NATIONAL_CODE_VALIDATOR(code)
            detail = client.procedure(code) or item
        except DvcqgError as error:
            report.failed[code] = str(error)
            continue
        except Exception as error:  # a malformed code from the portal
            report.failed[code] = str(error)
            continue
        unit = detail.get("DonViTinh")
        with transaction.atomic():
            field_obj, _created = Field.objects.get_or_create(
                code=str(detail.get("MaLinhVuc") or item.get("MaLinhVuc") or "KHAC")[:40],
                defaults={"name": str(detail.get("TenLinhVuc") or item.get("TenLinhVuc")
                                      or "Khác")[:255]})
            Procedure.objects.create(
                national_code=code, name=str(detail.get("TenTTHC") or item.get("TenTTHC"))[:500],
                field=field_obj, owner_agency=owner, status=Procedure.Status.DRAFT,
                implementing_agency_text=str(detail.get("CoQuanThucHien", ""))[:500],
                steps=str(detail.get("TrinhTuThucHien", "")),
                subjects=str(detail.get("DoiTuongThucHien", "")),
                result=str(detail.get("KetQuaThucHien", "")),
                fee_text=str(detail.get("PhiLePhi", "")),
                processing_time=_time(detail.get("ThoiHanGiaiQuyet")),
                processing_unit=unit if unit in TimeUnit.values else TimeUnit.WORKING_DAYS)
        known.add(code)
        report.created.append(code)
    return report
