"""Versions: published forms sit side by side, and an episode's pin always resolves to
the form it was started with."""

from __future__ import annotations

import pytest

from tests.formdefs.factories import base_data, overlay_data, write_tree, write_yaml
from webapp.formdefs.definition import FormPin
from webapp.formdefs.loader import load_library
from webapp.formdefs.problems import UnknownFormError


def version_two() -> dict:
    data = base_data(version=2, title="Demo form, second edition")
    data["sections"][0]["fields"].append({"id": "school", "type": "text", "label": "School"})
    return data


def test_a_new_base_version_does_not_change_what_version_one_resolves_to(tmp_path):
    root = write_tree(tmp_path / "formdefs", overlays=[overlay_data({"require": "nickname"})])
    before = load_library(root)
    pinned = before.effective("testshire", "demo").pin
    original = before.resolve(pinned)

    write_yaml(root / "national" / "demo.v2.yaml", version_two())
    after = load_library(root)

    assert after.versions("demo") == [1, 2]
    assert after.resolve(pinned) == original
    assert after.get_base("demo", 1).find_field("school") is None
    assert after.get_base("demo").find_field("school") is not None


def test_a_borough_stays_on_the_national_version_its_overlay_extends(tmp_path):
    root = write_tree(
        tmp_path / "formdefs",
        bases=[base_data(), version_two()],
        overlays=[overlay_data({"require": "nickname"})],
    )
    library = load_library(root)
    assert library.effective("testshire", "demo").version == 1
    assert library.effective(None, "demo").version == 2
    assert library.effective("no_overlay_borough", "demo").version == 2


def test_a_new_overlay_version_applies_to_new_episodes_but_not_pinned_ones(tmp_path):
    first = overlay_data({"require": "nickname"})
    root = write_tree(tmp_path / "formdefs", overlays=[first])
    pinned = load_library(root).effective("testshire", "demo").pin

    second = overlay_data({"require": "nickname"}, {"hide": "pets"}, version=2)
    write_tree(root, bases=[], overlays=[second])
    library = load_library(root)

    assert library.overlay_versions("testshire", "demo") == [1, 2]
    assert library.effective("testshire", "demo").find_field("pets").hidden is True
    assert library.resolve(pinned).find_field("pets").hidden is False
    assert pinned == FormPin("demo", 1, "testshire", 1)


def test_a_pin_taken_before_the_borough_had_an_overlay_keeps_the_national_form(tmp_path):
    root = write_tree(tmp_path / "formdefs")
    pinned = load_library(root).effective("testshire", "demo").pin
    assert pinned == FormPin("demo", 1, "testshire", None)

    write_tree(root, bases=[], overlays=[overlay_data({"hide": "pets"})])
    form = load_library(root).resolve(pinned)
    assert form.find_field("pets").hidden is False
    assert form.borough == "testshire"


def test_unknown_forms_and_versions_raise_unknown_form_error(tmp_path):
    library = load_library(write_tree(tmp_path / "formdefs"))
    assert library.find_base("demo", 9) is None
    with pytest.raises(UnknownFormError):
        library.get_base("demo", 9)
    with pytest.raises(UnknownFormError):
        library.get_base("nothing")
    with pytest.raises(UnknownFormError):
        library.effective("testshire", "demo", 1, overlay_version=4)
