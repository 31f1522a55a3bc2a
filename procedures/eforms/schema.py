"""The e-form definition format and its validation.

A definition is a JSON object::

    {"title": "Tờ khai …", "intro": "optional text", "fields": [FIELD, …]}

A FIELD has ``name`` (a Python identifier, unique within its list), ``type`` (one of
:data:`FIELD_TYPES`), ``label`` and, optionally, ``required``, ``help`` and ``autofill`` (one of
:data:`AUTOFILL_KEYS`). Type-specific keys: ``max_length`` (text, textarea), ``min`` / ``max`` /
``decimals`` (number), ``choices`` (choice: a non-empty list of ``[value, label]`` pairs),
``min`` / ``max`` / ``fields`` (group: repeatable rows of nested fields, no nested groups),
``accept`` / ``max_size_mb`` (attachment: among pdf, jpg, png). Optional presentation keys:
``rows`` (textarea height), ``placeholder`` (text-like fields), ``widget: "radio"`` (choice).
"""

from __future__ import annotations

import keyword
import re
from typing import Any

from django.utils.translation import gettext as _

FIELD_TYPES = (
    "text", "textarea", "date", "number", "choice", "personal_id", "phone", "email", "address",
    "group", "attachment", "checkbox",
)
AUTOFILL_KEYS = (
    "full_name", "personal_id", "date_of_birth", "phone", "email", "address",
    "organisation_code", "organisation_name",
)
ATTACHMENT_KINDS = ("pdf", "jpg", "png")
#: Upper bound an admin may set for one attachment.
MAX_ATTACHMENT_MB = 20
#: Default limits.
DEFAULT_ATTACHMENT_MB = 10
DEFAULT_GROUP_MAX = 20
MAX_GROUP_ROWS = 100
TEXT_MAX_LENGTH = 1000
TEXTAREA_MAX_LENGTH = 5000

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
_COMMON_KEYS = {"name", "type", "label", "required", "help", "autofill"}
_TYPE_KEYS: dict[str, set[str]] = {
    "text": {"max_length", "placeholder"},
    "textarea": {"max_length", "rows", "placeholder"},
    "date": set(),
    "number": {"min", "max", "decimals"},
    "choice": {"choices", "widget"},
    "personal_id": {"placeholder"},
    "phone": {"placeholder"},
    "email": {"placeholder"},
    "address": set(),
    "group": {"min", "max", "fields"},
    "attachment": {"accept", "max_size_mb"},
    "checkbox": set(),
}
_TOP_KEYS = {"title", "intro", "fields"}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def validate_definition(data: Any) -> list[str]:
    """Every problem of a definition, each prefixed with its path (``fields[2].choices: …``).

    An empty list means the definition can be rendered, filled and printed.
    """
    errors: list[str] = []
    if not isinstance(data, dict):
        return [_("The definition must be a JSON object with \"title\" and \"fields\".")]
    for key in sorted(set(data) - _TOP_KEYS):
        errors.append(_("%(path)s: unknown key.") % {"path": key})
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.append(_("%(path)s: give the form's title.") % {"path": "title"})
    if "intro" in data and not isinstance(data["intro"], str):
        errors.append(_("%(path)s: must be text.") % {"path": "intro"})
    fields = data.get("fields")
    if not isinstance(fields, list) or not fields:
        errors.append(_("%(path)s: give a non-empty list of fields.") % {"path": "fields"})
        return errors
    _validate_fields(fields, "fields", errors, nested=False)
    return errors


def _validate_fields(fields: list[Any], path: str, errors: list[str], *, nested: bool) -> None:
    seen: dict[str, str] = {}
    for index, spec in enumerate(fields):
        here = f"{path}[{index}]"
        if not isinstance(spec, dict):
            errors.append(_("%(path)s: a field must be a JSON object.") % {"path": here})
            continue
        name = spec.get("name")
        if not isinstance(name, str) or not _NAME.match(name) or keyword.iskeyword(name):
            errors.append(_(
                "%(path)s: the name must start with a lower-case letter and contain only "
                "lower-case letters, digits and _ (at most 50 characters)."
            ) % {"path": f"{here}.name"})
        elif name in seen:
            errors.append(_("%(path)s: the name \"%(name)s\" is already used by %(other)s.")
                          % {"path": f"{here}.name", "name": name, "other": seen[name]})
        else:
            seen[name] = here
        kind = spec.get("type")
        if kind not in FIELD_TYPES:
            errors.append(_("%(path)s: unknown type; use one of: %(types)s.")
                          % {"path": f"{here}.type", "types": ", ".join(FIELD_TYPES)})
            continue
        label = spec.get("label")
        if not isinstance(label, str) or not label.strip():
            errors.append(_("%(path)s: give a label.") % {"path": f"{here}.label"})
        for key in sorted(set(spec) - _COMMON_KEYS - _TYPE_KEYS[kind]):
            errors.append(_("%(path)s: this key is not allowed for a field of type %(type)s.")
                          % {"path": f"{here}.{key}", "type": kind})
        if "required" in spec and not isinstance(spec["required"], bool):
            errors.append(_("%(path)s: must be true or false.") % {"path": f"{here}.required"})
        if "help" in spec and not isinstance(spec["help"], str):
            errors.append(_("%(path)s: must be text.") % {"path": f"{here}.help"})
        if "placeholder" in spec and not isinstance(spec["placeholder"], str):
            errors.append(_("%(path)s: must be text.") % {"path": f"{here}.placeholder"})
        if "autofill" in spec and spec["autofill"] not in AUTOFILL_KEYS:
            errors.append(_("%(path)s: unknown autofill key; use one of: %(keys)s.")
                          % {"path": f"{here}.autofill", "keys": ", ".join(AUTOFILL_KEYS)})
        check = _CHECKS.get(kind)
        if check:
            check(spec, here, errors, nested)


def _check_length(spec: dict, here: str, errors: list[str], nested: bool) -> None:
    limit = TEXTAREA_MAX_LENGTH if spec["type"] == "textarea" else TEXT_MAX_LENGTH
    if "max_length" in spec and (not _is_int(spec["max_length"])
                                 or not 1 <= spec["max_length"] <= limit):
        errors.append(_("%(path)s: a whole number from 1 to %(limit)s.")
                      % {"path": f"{here}.max_length", "limit": limit})
    if "rows" in spec and (not _is_int(spec["rows"]) or not 1 <= spec["rows"] <= 30):
        errors.append(_("%(path)s: a whole number from 1 to %(limit)s.")
                      % {"path": f"{here}.rows", "limit": 30})


def _check_number(spec: dict, here: str, errors: list[str], nested: bool) -> None:
    for key in ("min", "max"):
        if key in spec and not _is_number(spec[key]):
            errors.append(_("%(path)s: must be a number.") % {"path": f"{here}.{key}"})
    if (_is_number(spec.get("min")) and _is_number(spec.get("max"))
            and spec["min"] > spec["max"]):
        errors.append(_("%(path)s: min is greater than max.") % {"path": f"{here}.min"})
    if "decimals" in spec and (not _is_int(spec["decimals"]) or not 0 <= spec["decimals"] <= 6):
        errors.append(_("%(path)s: a whole number from 0 to %(limit)s.")
                      % {"path": f"{here}.decimals", "limit": 6})


def _check_choice(spec: dict, here: str, errors: list[str], nested: bool) -> None:
    choices = spec.get("choices")
    if not isinstance(choices, list) or not choices:
        errors.append(_("%(path)s: give a non-empty list of [value, label] pairs.")
                      % {"path": f"{here}.choices"})
        return
    values: set[str] = set()
    for i, pair in enumerate(choices):
        if (not isinstance(pair, list) or len(pair) != 2
                or not all(isinstance(p, str) and p.strip() for p in pair)):
            errors.append(_("%(path)s: must be a [value, label] pair of non-empty texts.")
                          % {"path": f"{here}.choices[{i}]"})
        elif pair[0] in values:
            errors.append(_("%(path)s: the value \"%(value)s\" appears twice.")
                          % {"path": f"{here}.choices[{i}]", "value": pair[0]})
        else:
            values.add(pair[0])
    if "widget" in spec and spec["widget"] not in ("select", "radio"):
        errors.append(_("%(path)s: use \"select\" or \"radio\".") % {"path": f"{here}.widget"})


def _check_group(spec: dict, here: str, errors: list[str], nested: bool) -> None:
    if nested:
        errors.append(_("%(path)s: a group cannot contain another group.")
                      % {"path": f"{here}.type"})
        return
    low, high = spec.get("min", 0), spec.get("max", DEFAULT_GROUP_MAX)
    for key, value in (("min", low), ("max", high)):
        if not _is_int(value) or not 0 <= value <= MAX_GROUP_ROWS:
            errors.append(_("%(path)s: a whole number from 0 to %(limit)s.")
                          % {"path": f"{here}.{key}", "limit": MAX_GROUP_ROWS})
    if _is_int(low) and _is_int(high) and (low > high or high < 1):
        errors.append(_("%(path)s: max must be at least 1 and not less than min.")
                      % {"path": f"{here}.max"})
    if "autofill" in spec:
        errors.append(_("%(path)s: a group cannot be autofilled from the identity.")
                      % {"path": f"{here}.autofill"})
    sub = spec.get("fields")
    if not isinstance(sub, list) or not sub:
        errors.append(_("%(path)s: give a non-empty list of fields.") % {"path": f"{here}.fields"})
        return
    _validate_fields(sub, f"{here}.fields", errors, nested=True)


def _check_attachment(spec: dict, here: str, errors: list[str], nested: bool) -> None:
    accept = spec.get("accept", list(ATTACHMENT_KINDS))
    if (not isinstance(accept, list) or not accept
            or any(a not in ATTACHMENT_KINDS for a in accept)):
        errors.append(_("%(path)s: a non-empty list among: %(kinds)s.")
                      % {"path": f"{here}.accept", "kinds": ", ".join(ATTACHMENT_KINDS)})
    size = spec.get("max_size_mb", DEFAULT_ATTACHMENT_MB)
    if not _is_number(size) or not 0 < size <= MAX_ATTACHMENT_MB:
        errors.append(_("%(path)s: a number of megabytes above 0 and at most %(limit)s.")
                      % {"path": f"{here}.max_size_mb", "limit": MAX_ATTACHMENT_MB})
    if "autofill" in spec:
        errors.append(_("%(path)s: an attachment cannot be autofilled.")
                      % {"path": f"{here}.autofill"})


def _check_checkbox(spec: dict, here: str, errors: list[str], nested: bool) -> None:
    if "autofill" in spec:
        errors.append(_("%(path)s: a checkbox cannot be autofilled.")
                      % {"path": f"{here}.autofill"})


_CHECKS = {
    "text": _check_length,
    "textarea": _check_length,
    "number": _check_number,
    "choice": _check_choice,
    "group": _check_group,
    "attachment": _check_attachment,
    "checkbox": _check_checkbox,
}


def iter_fields(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """The top-level field specs of a (valid) definition."""
    return list(definition.get("fields") or [])
