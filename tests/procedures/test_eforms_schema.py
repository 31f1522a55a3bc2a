"""The e-form definition format: what admins may save (P4)."""

from __future__ import annotations

import copy

import pytest
from django.utils import translation

from procedures.eforms.schema import validate_definition
from tests.procedures.factories_eforms import DEFINITION


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def test_the_complete_example_is_valid():
    assert validate_definition(copy.deepcopy(DEFINITION)) == []


def test_not_an_object():
    assert validate_definition([1, 2]) and validate_definition("x")


def test_missing_title_and_fields():
    errors = validate_definition({})
    assert any(e.startswith("title:") for e in errors)
    assert any(e.startswith("fields:") for e in errors)


def _with(field: dict) -> list[str]:
    return validate_definition({"title": "T", "fields": [
        {"name": "a", "type": "text", "label": "A"}, field]})


def test_duplicate_names_are_reported_with_their_path():
    errors = _with({"name": "a", "type": "text", "label": "B"})
    assert errors == ['fields[1].name: tên "a" đã được dùng ở fields[0].']


def test_unknown_type_and_autofill_key():
    assert _with({"name": "b", "type": "colour", "label": "B"})[0].startswith(
        "fields[1].type: loại trường không hợp lệ")
    assert _with({"name": "b", "type": "text", "label": "B", "autofill": "salary"})[0] \
        .startswith("fields[1].autofill: khóa tự điền không hợp lệ")


def test_choices_must_be_non_empty_pairs():
    assert _with({"name": "b", "type": "choice", "label": "B", "choices": []}) == [
        "fields[1].choices: hãy khai báo danh sách lựa chọn [giá trị, nhãn], không để trống."]
    errors = _with({"name": "b", "type": "choice", "label": "B",
                    "choices": [["x", "X"], ["x", "Y"], ["z"]]})
    assert any(e.startswith("fields[1].choices[1]:") for e in errors)
    assert any(e.startswith("fields[1].choices[2]:") for e in errors)


def test_groups_cannot_nest_and_need_fields():
    errors = _with({"name": "g", "type": "group", "label": "G", "fields": [
        {"name": "h", "type": "group", "label": "H",
         "fields": [{"name": "x", "type": "text", "label": "X"}]}]})
    assert errors == ["fields[1].fields[0].type: một nhóm không được chứa nhóm khác."]
    assert _with({"name": "g", "type": "group", "label": "G", "fields": []})[0].startswith(
        "fields[1].fields:")


def test_names_inside_a_group_are_checked_separately():
    assert _with({"name": "g", "type": "group", "label": "G", "fields": [
        {"name": "a", "type": "text", "label": "A"}]}) == []


def test_bad_names_keys_and_limits():
    errors = _with({"name": "Ho Ten", "type": "text", "label": "", "max_length": 0,
                    "colour": "red"})
    paths = {e.split(":")[0] for e in errors}
    assert paths == {"fields[1].name", "fields[1].label", "fields[1].max_length",
                     "fields[1].colour"}


def test_number_limits_and_attachment_kinds():
    assert _with({"name": "n", "type": "number", "label": "N", "min": 5, "max": 1})[0] \
        .startswith("fields[1].min:")
    errors = _with({"name": "f", "type": "attachment", "label": "F", "accept": ["exe"],
                    "max_size_mb": 500})
    assert {e.split(":")[0] for e in errors} == {"fields[1].accept", "fields[1].max_size_mb"}


def test_errors_are_in_english_when_the_language_is_english():
    with translation.override("en"):
        assert _with({"name": "b", "type": "choice", "label": "B"}) == [
            "fields[1].choices: give a non-empty list of [value, label] pairs."]
