"""U4: catalogue import in admin — upload, dry-run preview, confirm; nothing half-imported."""

import io

import openpyxl
import pytest

from portal.accounts.roles import Role
from procedures.excel import export_catalogue
from procedures.models import Procedure
from tests.factories import AgencyFactory, officer
from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db
URL = "/admin/procedures/procedure/import/"


def workbook_with(procedures, edit=None) -> io.BytesIO:
    data = export_catalogue(Procedure.objects.filter(pk__in=[p.pk for p in procedures]))
    if edit:
        book = openpyxl.load_workbook(io.BytesIO(data))
        edit(book.active)
        out = io.BytesIO()
        book.save(out)
        data = out.getvalue()
    upload = io.BytesIO(data)
    upload.name = "catalogue.xlsx"
    return upload


def rename_first(sheet) -> None:
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("Tên thủ tục") + 1, value="Tên mới của thủ tục")


def test_preview_then_confirm_updates_by_national_code(client):
    agency = AgencyFactory(code="000.00.13.H56")
    procedure = ProcedureFactory(owner_agency=agency, name="Tên cũ")
    client.force_login(officer(agency, Role.AGENCY_ADMIN))
    preview = client.post(URL, {"file": workbook_with([procedure], rename_first)})
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "Tên mới của thủ tục" in body
    assert 'data-testid="import-confirm"' in body
    assert Procedure.objects.get(pk=procedure.pk).name == "Tên cũ"  # a preview writes nothing
    token = preview.context["token"]
    done = client.post(URL, {"confirm": "1", "token": token})
    assert done.status_code == 302
    assert Procedure.objects.get(pk=procedure.pk).name == "Tên mới của thủ tục"
    again = client.post(URL, {"confirm": "1", "token": token})  # a token works once
    assert again.status_code == 302
    assert again.url == URL


def test_rows_of_another_agency_are_refused(client):
    mine, theirs = AgencyFactory(), AgencyFactory()
    other = ProcedureFactory(owner_agency=theirs)
    client.force_login(officer(mine, Role.AGENCY_ADMIN))
    preview = client.post(URL, {"file": workbook_with([other], rename_first)})
    assert 'data-testid="import-errors"' in preview.content.decode()
    assert 'data-testid="import-confirm"' not in preview.content.decode()
    assert Procedure.objects.get(pk=other.pk).name == other.name


def test_a_file_that_is_not_a_workbook_is_explained(client):
    agency = AgencyFactory()
    client.force_login(officer(agency, Role.AGENCY_ADMIN))
    upload = io.BytesIO(b"not an excel file")
    upload.name = "catalogue.xlsx"
    response = client.post(URL, {"file": upload})
    assert response.status_code == 200
    assert 'data-testid="import-errors"' in response.content.decode()


def test_citizens_and_clerks_cannot_import(client):
    agency = AgencyFactory()
    client.force_login(officer(agency, Role.INTAKE_OFFICER))
    assert client.get(URL).status_code in (302, 403)
