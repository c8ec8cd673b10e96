"""Small builders for form definition data: a base form, overlays and folders of files."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from webapp.formdefs.convert import form_from_dict
from webapp.formdefs.definition import FormDefinition
from webapp.formdefs.overlay import Overlay, overlay_from_dict

OVERLAY_PATH = "formdefs/boroughs/testshire/demo.v1.yaml"

_BASE: dict[str, Any] = {
    "id": "demo",
    "version": 1,
    "title": "Demo form",
    "sections": [
        {
            "id": "about",
            "title": "About the child",
            "fields": [
                {
                    "id": "full_name",
                    "data_class": "basic",
                    "type": "text",
                    "label": "Full name",
                    "core": True,
                    "required": True,
                    "max_length": 100,
                },
                {
                    "id": "date_of_birth",
                    "data_class": "basic",
                    "type": "date",
                    "label": "Date of birth",
                    "core": True,
                    "required": True,
                    "date_rule": "birth_or_due",
                },
                {
                    "id": "gender",
                    "data_class": "basic",
                    "type": "radios",
                    "label": "Gender",
                    "core": True,
                    "options": [
                        {"value": "male", "label": "Male"},
                        {"value": "female", "label": "Female"},
                        {"value": "unknown", "label": "Not known"},
                    ],
                },
                {"id": "nickname", "data_class": "basic", "type": "text", "label": "Nickname"},
                {
                    "id": "pets",
                    "data_class": "basic",
                    "type": "radios",
                    "label": "Pets",
                    "options": [{"value": "cat", "label": "Cat"}, {"value": "dog", "label": "Dog"}],
                },
                {
                    "id": "has_disability",
                    "data_class": "sensitive",
                    "type": "yes_no",
                    "label": "Disability",
                    "core": True,
                },
                {
                    "id": "disability_details",
                    "data_class": "sensitive",
                    "type": "textarea",
                    "label": "Disability details",
                    "visible_if": {"field": "has_disability", "equals": "yes"},
                },
            ],
        },
        {
            "id": "family",
            "title": "Family",
            "fields": [
                {
                    "id": "carers",
                    "type": "repeating_group",
                    "label": "Carers",
                    "item_label": "carer",
                    "core": True,
                    "fields": [
                        {
                            "id": "carer_name",
                            "data_class": "basic",
                            "type": "text",
                            "label": "Carer's name",
                            "core": True,
                            "required": True,
                        },
                        {
                            "id": "carer_email",
                            "data_class": "basic",
                            "type": "email",
                            "label": "Carer's email",
                        },
                    ],
                },
                {
                    "id": "family_notes",
                    "data_class": "sensitive",
                    "type": "textarea",
                    "label": "Family notes",
                    "required": True,
                },
            ],
        },
    ],
}


def base_data(**changes: Any) -> dict[str, Any]:
    """A fresh copy of a small valid base form (tests may edit it freely)."""
    data = copy.deepcopy(_BASE)
    data.update(changes)
    return data


def base_form(**changes: Any) -> FormDefinition:
    return form_from_dict(base_data(**changes), "formdefs/national/demo.v1.yaml")


def overlay_data(*operations: dict[str, Any], version: int = 1, base_version: int = 1) -> dict:
    return {
        "borough": "testshire",
        "version": version,
        "extends": {"form": "demo", "version": base_version},
        "operations": list(operations),
    }


def overlay(*operations: dict[str, Any]) -> Overlay:
    return overlay_from_dict(overlay_data(*operations), OVERLAY_PATH)


def write_yaml(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def write_tree(root: Path, *, bases: list[dict] | None = None, overlays: list[dict] = ()) -> Path:
    """A definitions folder: national/<id>.v<n>.yaml and boroughs/<b>/<id>.v<n>.yaml."""
    for data in bases if bases is not None else [base_data()]:
        write_yaml(root / "national" / f"{data['id']}.v{data['version']}.yaml", data)
    for data in overlays:
        name = f"{data['extends']['form']}.v{data['version']}.yaml"
        write_yaml(root / "boroughs" / data["borough"] / name, data)
    return root
