"""Demo procedures are marked as sample data in the footer."""

import pytest

from tests.procedures.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def test_footer_says_sample_data_only_when_demo_procedures_exist(client):
    assert 'data-testid="sample-note"' not in client.get("/").content.decode()
    ProcedureFactory(is_sample=True)
    from django.core.cache import cache

    cache.clear()
    assert 'data-testid="sample-note"' in client.get("/").content.decode()


def test_an_abolished_procedures_form_cannot_be_filled(client):
    from procedures import services
    from tests.factories import UserFactory
    from tests.procedures.factories import EFormVersionFactory

    version = EFormVersionFactory()
    procedure = version.form.procedure
    services.publish(procedure)
    client.force_login(UserFactory())
    url = f"/thu-tuc/{procedure.national_code}/bieu-mau/{version.form.symbol}/"
    assert client.get(url).status_code == 200
    services.close(procedure, "abolished", "Bãi bỏ")
    assert client.get(url).status_code == 404
