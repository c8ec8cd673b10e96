"""All loaded workflow definitions, looked up the way the app needs them.

An episode is always run by the exact definition it recorded (`get(id, version)`), so that
publishing a new version never changes the rules under an episode already in progress.
A new episode takes the newest workflow for its borough (`for_borough`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from webapp.workflow.definition import WorkflowDefinition, WorkflowRef

NATIONAL_WORKFLOW_ID = "caf"


class UnknownWorkflow(LookupError):
    """No loaded definition has this id (and version)."""


class Catalogue:
    def __init__(self, definitions: Iterable[WorkflowDefinition]) -> None:
        self._definitions: dict[WorkflowRef, WorkflowDefinition] = {}
        for definition in definitions:
            if definition.ref in self._definitions:
                raise ValueError(f"{definition.ref} is loaded twice")
            self._definitions[definition.ref] = definition

    def __iter__(self) -> Iterator[WorkflowDefinition]:
        return iter(sorted(self._definitions.values(), key=lambda item: item.ref))

    def __len__(self) -> int:
        return len(self._definitions)

    def find(self, workflow_id: str, version: int) -> WorkflowDefinition | None:
        return self._definitions.get(WorkflowRef(workflow_id, version))

    def get(self, workflow_id: str, version: int) -> WorkflowDefinition:
        definition = self.find(workflow_id, version)
        if definition is None:
            raise UnknownWorkflow(f"No workflow {workflow_id} version {version} is loaded")
        return definition

    def latest(self, workflow_id: str) -> WorkflowDefinition:
        versions = [item for item in self._definitions.values() if item.id == workflow_id]
        if not versions:
            raise UnknownWorkflow(f"No workflow {workflow_id!r} is loaded")
        return max(versions, key=lambda item: item.version)

    def for_borough(
        self, borough_code: str | None, national_id: str = NATIONAL_WORKFLOW_ID
    ) -> WorkflowDefinition:
        """The workflow a new episode in this borough starts with: the newest version of the
        borough's override of `national_id` if it has one, else the newest national one."""
        overrides = [
            item
            for item in self._definitions.values()
            if item.borough is not None
            and item.borough == borough_code
            and item.extends is not None
            and item.extends.id == national_id
        ]
        if overrides:
            return max(overrides, key=lambda item: item.version)
        return self.latest(national_id)
