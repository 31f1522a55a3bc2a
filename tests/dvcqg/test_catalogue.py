"""I1/P1: the national catalogue (LayDanhSachTTHC, LayThuTuc) imported into draft procedures,
idempotent by national code."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from procedures.models import Procedure
from tests.factories import AgencyFactory
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def test_import_creates_drafts_once(standin):
    agency = AgencyFactory(code="000.00.20.H56")
    ProcedureFactory(national_code="2.000635", name="Ours already", owner_agency=agency)
    out = StringIO()
    call_command("dvcqg_import_procedures", "--agency", agency.code, stdout=out)
    assert "created 2" in out.getvalue()
    imported = Procedure.objects.get(national_code="1.009994")
    assert imported.status == Procedure.Status.DRAFT and imported.owner_agency == agency
    assert imported.processing_time == Decimal(15) and imported.field.name == "Hoạt động xây dựng"
    assert "Giấy phép xây dựng" in imported.result
    assert Procedure.objects.get(national_code="2.000635").name == "Ours already"  # untouched
    out = StringIO()
    call_command("dvcqg_import_procedures", "--agency", agency.code, stdout=out)
    assert "created 0" in out.getvalue() and "already known: 3" in out.getvalue()
    assert Procedure.objects.count() == 3


def test_import_refuses_unknown_agency_and_reports_portal_errors(standin, settings):
    with pytest.raises(CommandError):
        call_command("dvcqg_import_procedures", "--agency", "000.99.99.H56")
    agency = AgencyFactory()
    settings.DVCQG_PASSWORD = "wrong"
    with pytest.raises(CommandError, match="national portal"):
        call_command("dvcqg_import_procedures", "--agency", agency.code)
    assert not Procedure.objects.exists()
