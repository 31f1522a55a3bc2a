"""Validators for personal and organisation identifiers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: Province/city codes that open a chip-based citizen ID number (Circular 59/2021/TT-BCA Art. 7):
#: 001-096 for the 63 pre-2025 provinces (numbering has gaps, kept for every card still valid).
_BIRTH_PLACE_CODES = frozenset(
    {
        "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020",
        "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038",
        "040", "042", "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060",
        "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082",
        "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
    }
)


def validate_personal_id(value: str) -> None:
    """A 12-digit căn cước number (Law on Identification 2023 Art. 12; Decree 70/2024).

    Digits 1-3: place of birth registration; digit 4: sex and century (0-9); digits 5-6: the
    last two digits of the birth year; digits 7-12: a random sequence.
    """
    if not re.fullmatch(r"\d{12}", value or ""):
        raise ValidationError(_("A personal ID number has exactly 12 digits."), code="format")
    if value[:3] not in _BIRTH_PLACE_CODES:
        raise ValidationError(
            _("The first three digits %(code)s are not a province code."),
            code="province",
            params={"code": value[:3]},
        )


def validate_organisation_code(value: str) -> None:
    """An enterprise / tax code: 10 digits, or 13 for a branch (``0101234567-001``)."""
    if not re.fullmatch(r"\d{10}(-\d{3})?", value or ""):
        raise ValidationError(
            _("An organisation code has 10 digits, or 10 digits, a dash and 3 for a branch."),
            code="format",
        )


def validate_phone(value: str) -> None:
    """A Vietnamese phone number: 0 or +84 followed by 9 digits (mobile) or 9-10 (landline)."""
    if not re.fullmatch(r"(\+84|0)\d{9,10}", (value or "").replace(" ", "").replace(".", "")):
        raise ValidationError(_("Enter a phone number such as 0912345678."), code="format")
