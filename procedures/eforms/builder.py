"""The Django form built from an e-form definition (server-side rendering and validation, P4).

Field names in the HTML: a plain field is its ``name``; an address is three inputs
``<name>__province``, ``<name>__commune`` and ``<name>__street``; a repeatable group has a hidden
row count ``<group>-ROWS`` and rows ``<group>-<i>-<field>`` (with ``<group>-<i>-DELETE``). Adding a
row without JavaScript is a submit button named :data:`ADD_ROW` whose value is the group's name;
the view re-renders the form with one more row. :data:`REFRESH` re-renders without saving (e.g.
to list the communes of the province just chosen).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.utils import ErrorDict
from django.utils.translation import gettext as _

from portal.accounts.validators import validate_personal_id, validate_phone

from . import addresses
from .attachments import check_upload
from .schema import (
    ATTACHMENT_KINDS,
    DEFAULT_ATTACHMENT_MB,
    DEFAULT_GROUP_MAX,
    TEXT_MAX_LENGTH,
    TEXTAREA_MAX_LENGTH,
)

ADD_ROW = "_add_row"
REFRESH = "_refresh"
ROWS = "ROWS"
DELETE = "DELETE"


def _required_message(label: str) -> str:
    return _("Fill in “%(label)s”.") % {"label": label}


class AttachmentField(forms.FileField):
    """A file checked by content, size and malware signature."""

    def __init__(self, *, accept: list[str], max_size_mb: float, label: str,
                 **kwargs: Any) -> None:
        self.accept = accept
        self.max_size_mb = max_size_mb
        attrs = {"accept": ",".join(f".{k}" + (",.jpeg" if k == "jpg" else "") for k in accept)}
        super().__init__(label=label, widget=forms.FileInput(attrs=attrs), **kwargs)
        self.detected_kind: str | None = None

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):
            check_upload(value, accept=self.accept, max_size_mb=self.max_size_mb,
                         label=str(self.label))
        return value


class CommuneField(forms.TypedChoiceField):
    """A commune select whose options follow the chosen province, but which accepts any real
    commune code (belonging to the province is checked by the form, with a specific message)."""

    def valid_value(self, value: Any) -> bool:
        return bool(addresses.commune_name(value))


def _province_choices() -> list[tuple[Any, str]]:
    return [("", _("— choose the province or city —")), *addresses.provinces()]


def _commune_choices(province: int | None) -> list[Any]:
    empty = ("", _("— choose the commune or ward —"))
    if province and addresses.is_province(province):
        return [empty, *addresses.communes(province)]
    return [empty, *[(name, addresses.communes(code)) for code, name in addresses.provinces()]]


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _messages(label: str) -> dict[str, str]:
    return {
        "required": _required_message(label),
        "invalid": _("“%(label)s”: the value is not valid.") % {"label": label},
        "invalid_choice": _("“%(label)s”: choose one of the listed options.") % {"label": label},
    }


def make_field(spec: dict[str, Any], *, required: bool) -> forms.Field:
    """The Django field of one non-group, non-address field spec."""
    kind, label = spec["type"], spec["label"]
    messages = _messages(label)
    common: dict[str, Any] = {"label": label, "required": required,
                              "help_text": spec.get("help", ""), "error_messages": messages}
    placeholder = {"placeholder": spec["placeholder"]} if spec.get("placeholder") else {}
    if kind == "text":
        limit = spec.get("max_length", TEXT_MAX_LENGTH)
        messages["max_length"] = _("“%(label)s”: at most %(limit)s characters.") % {
            "label": label, "limit": limit}
        return forms.CharField(max_length=limit, widget=forms.TextInput(attrs=placeholder),
                               **common)
    if kind == "textarea":
        limit = spec.get("max_length", TEXTAREA_MAX_LENGTH)
        messages["max_length"] = _("“%(label)s”: at most %(limit)s characters.") % {
            "label": label, "limit": limit}
        return forms.CharField(max_length=limit, widget=forms.Textarea(
            attrs={"rows": spec.get("rows", 3), **placeholder}), **common)
    if kind == "date":
        messages["invalid"] = _("“%(label)s”: enter a date such as 31/12/1990.") % {
            "label": label}
        return forms.DateField(
            input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"],
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    if kind == "number":
        decimals = spec.get("decimals", 0)
        low, high = spec.get("min"), spec.get("max")
        messages["invalid"] = (_("“%(label)s”: enter a whole number.") if decimals == 0 else
                               _("“%(label)s”: enter a number.")) % {"label": label}
        if low is not None:
            messages["min_value"] = _("“%(label)s”: at least %(limit)s.") % {
                "label": label, "limit": f"{low:g}"}
        if high is not None:
            messages["max_value"] = _("“%(label)s”: at most %(limit)s.") % {
                "label": label, "limit": f"{high:g}"}
        messages["max_decimal_places"] = _(
            "“%(label)s”: at most %(limit)s digits after the decimal point.") % {
            "label": label, "limit": decimals}
        if decimals == 0:
            return forms.IntegerField(
                min_value=None if low is None else int(low),
                max_value=None if high is None else int(high), **common)
        return forms.DecimalField(
            decimal_places=decimals, max_digits=18,
            min_value=None if low is None else Decimal(str(low)),
            max_value=None if high is None else Decimal(str(high)),
            widget=forms.NumberInput(attrs={"step": f"{Decimal(1).scaleb(-decimals)}"}),
            **common)
    if kind == "choice":
        choices = [tuple(pair) for pair in spec["choices"]]
        if spec.get("widget") == "radio":
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if kind == "personal_id":
        messages["max_length"] = _("A personal ID number has exactly 12 digits.")
        return forms.CharField(max_length=12, validators=[validate_personal_id],
                               widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                             "autocomplete": "off",
                                                             **placeholder}), **common)
    if kind == "phone":
        return forms.CharField(max_length=20, validators=[validate_phone],
                               widget=forms.TextInput(attrs={"type": "tel", **placeholder}),
                               **common)
    if kind == "email":
        messages["invalid"] = _("“%(label)s”: enter an e-mail address such as ten@example.vn.") % {
            "label": label}
        return forms.EmailField(max_length=254, widget=forms.EmailInput(attrs=placeholder),
                                **common)
    if kind == "checkbox":
        messages["required"] = _("Tick “%(label)s” to continue.") % {"label": label}
        return forms.BooleanField(**common)
    if kind == "attachment":
        messages["invalid"] = _("“%(label)s”: no file was received; choose it again.") % {
            "label": label}
        messages["empty"] = _("“%(label)s”: the file is empty.") % {"label": label}
        common.pop("label")
        return AttachmentField(accept=spec.get("accept", list(ATTACHMENT_KINDS)),
                               max_size_mb=spec.get("max_size_mb", DEFAULT_ATTACHMENT_MB),
                               label=label, **common)
    raise ValueError(f"unknown field type {kind!r}")


class EFormForm(forms.Form):
    """A form built from a definition; use :func:`build_form`."""

    def __init__(self, definition: dict[str, Any], *, data: Any = None, files: Any = None,
                 initial: dict[str, Any] | None = None,
                 default_province: int | None = None) -> None:
        self.definition = definition
        self.specs: list[dict[str, Any]] = list(definition.get("fields") or [])
        self.json_initial = dict(initial or {})
        self.default_province = default_province
        super().__init__(data=data, files=files, initial=self._field_initial())
        self.row_counts: dict[str, int] = {}
        for spec in self.specs:
            self._add(spec, spec["name"], required=bool(spec.get("required")))

    # -- construction --------------------------------------------------------------------------

    def _field_initial(self) -> dict[str, Any]:
        flat: dict[str, Any] = {}

        def put(spec: dict[str, Any], key: str, value: Any) -> None:
            kind = spec["type"]
            if value in (None, "") or kind == "attachment":
                return
            if kind == "address":
                if isinstance(value, dict):
                    for part in ("province", "commune", "street"):
                        if value.get(part) not in (None, ""):
                            flat[f"{key}__{part}"] = value[part]
            elif kind == "group":
                if isinstance(value, list):
                    for i, row in enumerate(value):
                        if isinstance(row, dict):
                            for sub in spec["fields"]:
                                put(sub, f"{key}-{i}-{sub['name']}", row.get(sub["name"]))
            elif not isinstance(value, dict | list):
                flat[key] = value

        for spec in self.specs:
            put(spec, spec["name"], self.json_initial.get(spec["name"]))
        return flat

    def _add(self, spec: dict[str, Any], key: str, *, required: bool) -> None:
        kind = spec["type"]
        if kind == "group":
            self._add_group(spec)
        elif kind == "address":
            self._add_address(spec, key, required=required)
        else:
            self.fields[key] = make_field(spec, required=required)

    def _add_address(self, spec: dict[str, Any], key: str, *, required: bool) -> None:
        label = spec["label"]
        if self.is_bound:
            province = _as_int(self.data.get(f"{key}__province"))
        else:
            province = _as_int(self.initial.get(f"{key}__province")) or self.default_province
            if province and f"{key}__province" not in self.initial:
                self.initial[f"{key}__province"] = province
        self.fields[f"{key}__province"] = forms.TypedChoiceField(
            label=_("Province or city"), choices=_province_choices(), coerce=int,
            empty_value=None, required=False, error_messages=_messages(label))
        self.fields[f"{key}__commune"] = CommuneField(
            label=_("Commune, ward or special zone"), choices=_commune_choices(province),
            coerce=int, empty_value=None, required=False, error_messages=_messages(label))
        self.fields[f"{key}__street"] = forms.CharField(
            label=_("House number, street, hamlet"), max_length=255, required=False,
            error_messages=_messages(label))

    def _rows_for(self, spec: dict[str, Any]) -> int:
        name, low = spec["name"], spec.get("min", 0)
        high = spec.get("max", DEFAULT_GROUP_MAX)
        if self.is_bound:
            rows = _as_int(self.data.get(f"{name}-{ROWS}")) or 1
            if self.data.get(ADD_ROW) == name:
                rows += 1
        else:
            existing = self.json_initial.get(name)
            rows = len(existing) if isinstance(existing, list) else 0
        return max(1, low, min(rows, high))

    def _add_group(self, spec: dict[str, Any]) -> None:
        name = spec["name"]
        rows = self._rows_for(spec)
        self.row_counts[name] = rows
        self.fields[f"{name}-{ROWS}"] = forms.IntegerField(widget=forms.HiddenInput,
                                                           required=False)
        self.initial[f"{name}-{ROWS}"] = rows
        for i in range(rows):
            for sub in spec["fields"]:
                self._add(sub, f"{name}-{i}-{sub['name']}", required=False)
            self.fields[f"{name}-{i}-{DELETE}"] = forms.BooleanField(
                label=_("Remove this row"), required=False)

    # -- validation ----------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for spec in self.specs:
            if spec["type"] == "address":
                self._clean_address(spec, spec["name"], required=bool(spec.get("required")))
            elif spec["type"] == "group":
                self._clean_group(spec)
        return cleaned

    def _clean_address(self, spec: dict[str, Any], key: str, *, required: bool) -> None:
        label = spec["label"]
        province = self.cleaned_data.get(f"{key}__province")
        commune = self.cleaned_data.get(f"{key}__commune")
        street = self.cleaned_data.get(f"{key}__street") or ""
        if f"{key}__province" in self.errors or f"{key}__commune" in self.errors:
            return
        given = province is not None or commune is not None or bool(street.strip())
        if not (required or given):
            return
        if province is None:
            self.add_error(f"{key}__province",
                           _("“%(label)s”: choose the province or city.") % {"label": label})
        if commune is None:
            self.add_error(f"{key}__commune",
                           _("“%(label)s”: choose the commune or ward.") % {"label": label})
        elif province is not None and addresses.commune_province(commune) != province:
            self.add_error(f"{key}__commune", _(
                "“%(label)s”: %(commune)s is not in %(province)s; choose a commune of the "
                "chosen province.") % {"label": label, "commune": addresses.commune_name(commune),
                                       "province": addresses.province_name(province)})

    def _row_keys(self, spec: dict[str, Any], i: int) -> list[str]:
        keys = []
        for sub in spec["fields"]:
            base = f"{spec['name']}-{i}-{sub['name']}"
            if sub["type"] == "address":
                keys += [f"{base}__province", f"{base}__commune", f"{base}__street"]
            else:
                keys.append(base)
        return keys

    def _row_is_empty(self, spec: dict[str, Any], i: int) -> bool:
        if self.data.get(f"{spec['name']}-{i}-{DELETE}"):
            return True
        for key in self._row_keys(spec, i):
            if key in self.errors:
                return False
            if self.cleaned_data.get(key) not in (None, "", False):
                return False
        return True

    def _clean_group(self, spec: dict[str, Any]) -> None:
        name, label = spec["name"], spec["label"]
        filled = []
        for i in range(self.row_counts[name]):
            if self._row_is_empty(spec, i):
                for key in self._row_keys(spec, i):  # a removed row's errors do not count
                    self.errors.pop(key, None)
                continue
            filled.append(i)
            for sub in spec["fields"]:
                key = f"{name}-{i}-{sub['name']}"
                if sub["type"] == "address":
                    self._clean_address(sub, key, required=bool(sub.get("required")))
                elif sub.get("required") and key not in self.errors and \
                        self.cleaned_data.get(key) in (None, "", False):
                    self.add_error(key, _("“%(label)s”, row %(row)s: fill in “%(field)s”.")
                                   % {"label": label, "row": len(filled), "field": sub["label"]})
        low = spec.get("min", 0)
        if len(filled) < low:
            self.add_error(f"{name}-{ROWS}", _("“%(label)s”: fill in at least %(min)s row(s).")
                           % {"label": label, "min": low})
        self.filled_rows = getattr(self, "filled_rows", {})
        self.filled_rows[name] = filled

    def hide_errors(self) -> None:
        """Keep the submitted values but show no error (the form was re-rendered, not sent)."""
        self.full_clean()
        self._errors = ErrorDict(renderer=self.renderer)

    # -- output --------------------------------------------------------------------------------

    def cleaned_json(self, store_file: Any = None) -> dict[str, Any]:
        """The JSON-serialisable values by definition name (call after ``is_valid``).

        ``store_file(upload, spec)`` saves an attachment and returns its JSON description; without
        it an attachment is described by its name and size only.
        """
        return {spec["name"]: self._value(spec, spec["name"], store_file) for spec in self.specs}

    def _value(self, spec: dict[str, Any], key: str, store_file: Any) -> Any:
        kind = spec["type"]
        data = self.cleaned_data
        if kind == "group":
            return [
                {sub["name"]: self._value(sub, f"{key}-{i}-{sub['name']}", store_file)
                 for sub in spec["fields"]}
                for i in self.filled_rows.get(key, [])
            ]
        if kind == "address":
            return {"province": data.get(f"{key}__province"),
                    "commune": data.get(f"{key}__commune"),
                    "street": (data.get(f"{key}__street") or "").strip()}
        value = data.get(key)
        if kind == "checkbox":
            return bool(value)
        if kind == "date":
            return value.isoformat() if isinstance(value, date) else None
        if kind == "number":
            if value is None:
                return None
            return int(value) if spec.get("decimals", 0) == 0 else float(value)
        if kind == "attachment":
            if not isinstance(value, UploadedFile):
                return None
            if store_file is not None:
                return store_file(value, spec)
            return {"name": value.name, "size": value.size}
        return (value or "").strip() if isinstance(value, str) else (value or "")

    # -- rendering -----------------------------------------------------------------------------

    def layout(self) -> list[dict[str, Any]]:
        """What the template draws, in definition order, with bound fields and their errors."""
        return [self._item(spec, spec["name"]) for spec in self.specs]

    def _item(self, spec: dict[str, Any], key: str) -> dict[str, Any]:
        kind = spec["type"]
        if kind == "address":
            return {"kind": "address", "spec": spec, "key": key,
                    "province": self[f"{key}__province"], "commune": self[f"{key}__commune"],
                    "street": self[f"{key}__street"]}
        if kind == "group":
            name = spec["name"]
            rows = [{"index": i, "number": i + 1,
                     "items": [self._item(sub, f"{name}-{i}-{sub['name']}")
                               for sub in spec["fields"]],
                     "delete": self[f"{name}-{i}-{DELETE}"]}
                    for i in range(self.row_counts[name])]
            return {"kind": "group", "spec": spec, "key": name, "rows": rows,
                    "count": self[f"{name}-{ROWS}"], "count_name": f"{name}-{ROWS}",
                    "count_value": self.row_counts[name],
                    "can_add": self.row_counts[name] < spec.get("max", DEFAULT_GROUP_MAX),
                    "add_row": ADD_ROW}
        return {"kind": kind, "spec": spec, "key": key, "field": self[key]}


def build_form(version: Any, *, user: Any = None, data: Any = None, files: Any = None,
               initial: dict[str, Any] | None = None) -> EFormForm:
    """The form of an e-form version; ``initial`` (JSON values by name) usually comes from
    :func:`procedures.eforms.autofill.initial_values`. ``user`` is accepted for callers that
    want the autofill done here when no ``initial`` is given."""
    if initial is None and user is not None and data is None:
        from .autofill import initial_values

        initial = initial_values(version, user)
    return EFormForm(version.definition, data=data, files=files, initial=initial,
                     default_province=default_province())


def default_province() -> int | None:
    """The deployment's own province, preselected in empty address fields."""
    from portal.agencies.models import Province

    return addresses.province_by_name(Province.current().name)
