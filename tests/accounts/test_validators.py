"""Personal ID (căn cước) and organisation code validation."""

import pytest
from django.core.exceptions import ValidationError

from portal.accounts.validators import (
    validate_organisation_code,
    validate_personal_id,
    validate_phone,
)


@pytest.mark.parametrize("value", ["038090001234", "001203000001", "079199123456"])
def test_valid_personal_ids(value):
    validate_personal_id(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [("03809000123", "format"), ("0380900012345", "format"), ("03809000123a", "format"),
     ("003090001234", "province"), ("099090001234", "province"), ("", "format")],
)
def test_invalid_personal_ids(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_personal_id(value)
    assert exc.value.code == code


def test_organisation_codes():
    validate_organisation_code("0101234567")
    validate_organisation_code("0101234567-001")
    with pytest.raises(ValidationError):
        validate_organisation_code("01012345")


def test_phone_numbers():
    validate_phone("0912345678")
    validate_phone("+84912345678")
    validate_phone("0237 3 852 070")
    with pytest.raises(ValidationError):
        validate_phone("12345")
