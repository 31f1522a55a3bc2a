"""W3: the public deadline calculator shows the due instant and explains it."""

import pytest

pytestmark = pytest.mark.django_db
URL = "/lich-lam-viec/tinh-han/"


def test_eight_working_hours_across_tet(client):
    page = client.get(URL, {"start": "2026-02-13T16:00", "amount": 8, "unit": "hours"})
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="deadline-due">16:00 23/02/2026<' in body
    assert "Tết" in body


def test_working_days_skip_the_start_day(client):
    # Monday 02/03/2026 + 1 working day ends at the close of Tuesday 03/03/2026.
    body = client.get(URL, {"start": "2026-03-02T09:00", "amount": 1, "unit": "days"}).content
    assert b'data-testid="deadline-due">17:30 03/03/2026<' in body


def test_bad_input_is_explained_not_crashed(client):
    page = client.get(URL, {"start": "yesterday", "amount": -3, "unit": "weeks"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "deadline-due" not in body
    assert body.count('class="errorlist') >= 3


def test_form_starts_filled_in(client):
    page = client.get(URL)
    assert page.status_code == 200
    assert 'name="amount" value="8"' in page.content.decode()


def test_far_dates_are_refused_with_a_reason(client):
    page = client.get(URL, {"start": "9999-01-01T08:00", "amount": 5, "unit": "days"})
    assert page.status_code == 200
    assert "2000" in page.content.decode()
    page = client.get(URL, {"start": "2100-12-30T08:00", "amount": 3650, "unit": "days"})
    assert page.status_code == 200
