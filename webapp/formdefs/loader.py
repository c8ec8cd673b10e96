"""Read definition files and hold every published version: the FormLibrary.

Layout of a definitions folder (by default the repository's `formdefs/`):

    national/<form id>.v<version>.yaml              a national base form
    boroughs/<borough>/<form id>.v<version>.yaml    a borough overlay (its own version)

The version in a file name is its identity: a published file is never edited, a change is
published as a new file beside the old one, and both stay loadable so that an episode
keeps the version it was started with.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from webapp.formdefs.bindings import (
    BINDINGS_FILE,
    Bindings,
    bind,
    library_binding_problems,
    read_bindings,
)
from webapp.formdefs.checks import check_form
from webapp.formdefs.classification import (
    CLASSIFICATION_FILE,
    Classification,
    classify,
    read_classification,
)
from webapp.formdefs.convert import form_from_dict
from webapp.formdefs.definition import FormDefinition, FormPin
from webapp.formdefs.overlay import (
    WORDING_CHANGED_BEFORE_THE_RULE,
    Overlay,
    apply_overlay,
    overlay_from_dict,
)
from webapp.formdefs.problems import DefinitionError, Problem, UnknownFormError
from webapp.formdefs.schema import base_form_problems, overlay_problems
from webapp.formdefs.yamlfile import read_yaml

NATIONAL = "national"
BOROUGHS = "boroughs"


def default_root() -> Path:
    """The repository's `formdefs/` folder (a function, so nothing is read at import)."""
    return Path(__file__).resolve().parents[2] / "formdefs"


def live_root() -> Path:
    """The folder the app serves its forms from: CAF_FORMDEFS_PATH, as the app reads it, or
    else the repository's `formdefs/` folder. What the checking commands check by default."""
    configured = os.environ.get("CAF_FORMDEFS_PATH")
    return Path(configured) if configured else default_root()


def parse_document(
    data: Any, display: str, file_name: str | None = None
) -> tuple[FormDefinition | Overlay | None, list[Problem]]:
    """A base form or an overlay (it has `extends`) from parsed YAML, with its problems.

    Overlays are checked against their base form later, by FormLibrary.build."""
    if not isinstance(data, dict):
        return None, [Problem(display, "", "must be a mapping with id, version, title, ...")]
    is_overlay = "extends" in data
    problems = (overlay_problems if is_overlay else base_form_problems)(data, display)
    if problems:
        return None, problems
    document: FormDefinition | Overlay
    if is_overlay:
        document = overlay_from_dict(data, display)
        form_id = document.form_id
    else:
        document = form_from_dict(data, display)
        form_id = document.id
        problems = [Problem(display, item.key, item.message) for item in check_form(document)]
    expected = f"{form_id}.v{data['version']}"
    if file_name is not None and re.sub(r"\.ya?ml$", "", file_name) != expected:
        message = f"the file must be named {expected}.yaml (form id and version)"
        problems.append(Problem(display, "version", message))
        if is_overlay and len(problems) == 1:
            # Not loaded, but still checked against its base form, so that renaming the
            # file is not the first of several rounds of fixes.
            return document, problems
    return (None if problems else document), problems


def parse_file(path: Path, display: str) -> tuple[FormDefinition | Overlay | None, list[Problem]]:
    data, problems = read_yaml(path, display)
    if problems:
        return None, problems
    document, problems = parse_document(data, display, path.name)
    if isinstance(document, Overlay):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest in WORDING_CHANGED_BEFORE_THE_RULE:
            document = replace(document, wording_as_published=True)
    return document, problems


@dataclass
class FormLibrary:
    """Every loaded version of every national form, and every borough overlay merged.

    Built once (definitions are immutable) and queried by the app, e.g. per request."""

    bases: dict[tuple[str, int], FormDefinition] = field(default_factory=dict)
    overlays: dict[tuple[str, str, int], Overlay] = field(default_factory=dict)
    merged: dict[tuple[str, str, int], FormDefinition] = field(default_factory=dict)
    #: basic and sensitive questions of the published files (`classification.yaml`)
    classification: Classification = field(default_factory=Classification)
    #: where the published questions are pre-filled from (`bindings.yaml`)
    bindings: Bindings = field(default_factory=Bindings)

    @classmethod
    def build(
        cls,
        forms: Iterable[FormDefinition],
        overlays: Iterable[Overlay],
        classification: Classification | None = None,
        bindings: Bindings | None = None,
    ) -> tuple[FormLibrary, list[Problem]]:
        """A library of everything that is valid, and the problems with the rest. The
        classification file's classes and the bindings file's sources are given to the
        questions that have none."""
        library = cls(
            classification=classification or Classification(), bindings=bindings or Bindings()
        )
        problems: list[Problem] = []
        for form in forms:
            form = classify(form, library.classification.for_national(form.id))
            form = bind(form, library.bindings.for_national(form.id))
            key = (form.id, form.version)
            if key in library.bases:
                message = f"{form.label} is already defined in {library.bases[key].source}"
                problems.append(Problem(form.source or "", "version", message))
            else:
                library.bases[key] = form
        for overlay in overlays:
            problems.extend(library._add_overlay(overlay))
        return library, problems

    def add_overlay(self, overlay: Overlay) -> list[Problem]:
        """Add one more overlay version (one published through the web); its problems."""
        return self._add_overlay(overlay)

    def _add_overlay(self, overlay: Overlay) -> list[Problem]:
        key = (overlay.borough, overlay.form_id, overlay.version)
        if key in self.overlays:
            other = self.overlays[key].source
            message = f"version {overlay.version} of this overlay is already defined in {other}"
            return [Problem(overlay.source, "version", message)]
        merged, problems = self._merge(overlay)
        if merged is not None:
            self.overlays[key] = overlay
            self.merged[key] = merged
        return problems

    def overlay_problems(self, overlay: Overlay) -> list[Problem]:
        """What is wrong with an overlay against its base form, without adding it."""
        return self._merge(overlay)[1]

    def _merge(self, overlay: Overlay) -> tuple[FormDefinition | None, list[Problem]]:
        versions = self.versions(overlay.form_id)
        if not versions:
            message = f"there is no national form '{overlay.form_id}'"
            return None, [Problem(overlay.source, "extends.form", message)]
        base = self.bases.get((overlay.form_id, overlay.base_version))
        if base is None:
            published = ", ".join(str(version) for version in versions)
            message = (
                f"{overlay.form_id} version {overlay.base_version} does not exist"
                f" (published versions: {published})"
            )
            return None, [Problem(overlay.source, "extends.version", message)]
        try:
            return self.classify_overlay(apply_overlay(base, overlay)), []
        except DefinitionError as error:
            return None, list(error.problems)

    def classify_overlay(self, merged: FormDefinition) -> FormDefinition:
        """A borough's merged form with the classes and bindings the files give the
        borough's fields."""
        borough = merged.borough or ""
        classified = classify(merged, self.classification.for_borough(borough, merged.id))
        return bind(classified, self.bindings.for_borough(borough, merged.id))

    # --- queries -------------------------------------------------------------------

    def form_ids(self) -> list[str]:
        return sorted({form_id for form_id, _ in self.bases})

    def versions(self, form_id: str) -> list[int]:
        return sorted(version for key, version in self.bases if key == form_id)

    def find_base(self, form_id: str, version: int) -> FormDefinition | None:
        return self.bases.get((form_id, version))

    def get_base(self, form_id: str, version: int | None = None) -> FormDefinition:
        """A national form version (the newest when `version` is None)."""
        versions = self.versions(form_id)
        if not versions:
            raise UnknownFormError(f"there is no form '{form_id}'")
        chosen = versions[-1] if version is None else version
        form = self.bases.get((form_id, chosen))
        if form is None:
            raise UnknownFormError(f"{form_id} has no version {chosen}")
        return form

    def boroughs(self) -> list[str]:
        return sorted({borough for borough, _, _ in self.overlays})

    def overlay_versions(
        self, borough: str, form_id: str, base_version: int | None = None
    ) -> list[int]:
        return sorted(
            version
            for (name, overlay_form, version), overlay in self.overlays.items()
            if (name, overlay_form) == (borough, form_id)
            and (base_version is None or overlay.base_version == base_version)
        )

    def effective(
        self,
        borough: str | None,
        form_id: str,
        version: int | None = None,
        overlay_version: int | None = None,
    ) -> FormDefinition:
        """The form a borough uses: a national version with the borough's overlay applied.

        With no `version`, the newest national version the borough has adopted (the
        newest one its overlays extend, or simply the newest if it has none), so that
        publishing a national v2 does not silently drop a borough's additions. With no
        `overlay_version`, the borough's newest overlay of that national version. Pin the
        result's `pin` on the episode and pass it to `resolve` to reopen the same form."""
        if version is None:
            adopted = [
                self.overlays[(borough, form_id, number)].base_version
                for number in self.overlay_versions(borough or "", form_id)
            ]
            version = max(adopted) if adopted else self.get_base(form_id).version
        base = self.get_base(form_id, version)
        if borough is None:
            return base
        if overlay_version is None:
            candidates = self.overlay_versions(borough, form_id, version)
            if not candidates:
                return replace(base, borough=borough)
            overlay_version = candidates[-1]
        merged = self.merged.get((borough, form_id, overlay_version))
        if merged is None or merged.version != version:
            raise UnknownFormError(
                f"{borough} has no overlay version {overlay_version} of {base.label}"
            )
        return merged

    def resolve(self, pin: FormPin) -> FormDefinition:
        """Exactly the form an episode was started with."""
        if pin.borough is not None and pin.overlay_version is None:
            return replace(self.get_base(pin.form_id, pin.version), borough=pin.borough)
        return self.effective(pin.borough, pin.form_id, pin.version, pin.overlay_version)


def scan(root: Path) -> tuple[FormLibrary, list[Problem]]:
    """Load every file under `root`; invalid files are left out and reported."""
    forms: list[FormDefinition] = []
    overlays: list[Overlay] = []
    misnamed: list[Overlay] = []
    classification, problems = read_classification(root)
    bindings, binding_problems = read_bindings(root)
    problems.extend(binding_problems)
    for path in sorted([*root.rglob("*.yaml"), *root.rglob("*.yml")]):
        relative = path.relative_to(root)
        if relative.as_posix() in (CLASSIFICATION_FILE, BINDINGS_FILE):
            continue
        display = f"{root.name}/{relative.as_posix()}"
        document, found = parse_file(path, display)
        misplaced = _placement_problems(relative.parts, document, display)
        problems.extend(found + misplaced)
        if misplaced:
            continue
        if isinstance(document, FormDefinition):
            forms.append(document)
        elif isinstance(document, Overlay):
            (misnamed if found else overlays).append(document)
    library, build_problems = FormLibrary.build(forms, overlays, classification, bindings)
    for overlay in misnamed:
        build_problems.extend(library.overlay_problems(overlay))
    return library, problems + build_problems


def _placement_problems(
    parts: tuple[str, ...], document: FormDefinition | Overlay | None, display: str
) -> list[Problem]:
    in_national = len(parts) == 2 and parts[0] == NATIONAL
    in_borough = len(parts) == 3 and parts[0] == BOROUGHS
    if not (in_national or in_borough):
        return [Problem(display, "", "definition files go in national/ or boroughs/<borough>/")]
    if isinstance(document, Overlay) and not in_borough:
        return [Problem(display, "extends", "an overlay belongs in boroughs/<borough>/")]
    if isinstance(document, FormDefinition) and not in_national:
        return [Problem(display, "extends", "a borough file is an overlay and needs extends")]
    if isinstance(document, Overlay) and document.borough != parts[1]:
        message = f"'{document.borough}' does not match the folder boroughs/{parts[1]}/"
        return [Problem(display, "borough", message)]
    return []


def load_library(root: Path | None = None) -> FormLibrary:
    """Load a definitions folder, refusing it if any file has a problem (a binding to a
    question that cannot hold its source's value included)."""
    library, problems = scan(root or default_root())
    if not problems:
        problems = library_binding_problems(library)
    if problems:
        raise DefinitionError(problems)
    return library
