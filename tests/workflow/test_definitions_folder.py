"""Every definition shipped in workflows/ loads and validates clean."""

from __future__ import annotations

import pytest

from tests.workflow.factories import WORKFLOWS, catalogue
from webapp.workflow import WorkflowRef
from webapp.workflow.cli import check_paths
from webapp.workflow.loader import definition_files

FILES = definition_files(WORKFLOWS)


def test_the_workflows_folder_holds_the_national_and_a_borough_definition():
    assert {path.relative_to(WORKFLOWS).as_posix() for path in FILES} >= {
        "caf.yaml",
        "boroughs/riverside.yaml",
    }


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.relative_to(WORKFLOWS).as_posix())
def test_each_definition_file_checks_clean_on_its_own(path):
    assert check_paths([path]) == []


def test_the_whole_folder_checks_clean_and_loads_every_file():
    assert check_paths([WORKFLOWS]) == []
    assert {definition.ref for definition in catalogue()} == {
        WorkflowRef("caf", 1),
        WorkflowRef("caf-riverside", 1),
    }
