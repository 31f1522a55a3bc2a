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
