"""Form definitions as data: the national CAF forms, borough overlays, and answer checks.

Plain Python (no Flask, WTForms or database), so the same rules serve the web pages,
the command line and the tests. The names below are the package's public API.
"""

from webapp.formdefs.convert import form_from_dict, form_to_dict
from webapp.formdefs.definition import (
    CHOICE_TYPES,
    Condition,
    DateRule,
    Element,
    ErrorKey,
    Field,
    FieldType,
    FormDefinition,
    FormPin,
    Option,
    Section,
)
from webapp.formdefs.loader import FormLibrary, default_root, load_library, parse_document, scan
from webapp.formdefs.overlay import Overlay, apply_overlay, overlay_from_dict
from webapp.formdefs.problems import DefinitionError, Problem, UnknownFormError
from webapp.formdefs.validation import (
    ValidationResult,
    is_visible,
    validate_field,
    validate_form,
    validate_section,
)

__all__ = [
    "CHOICE_TYPES",
    "Condition",
    "DateRule",
    "DefinitionError",
    "Element",
    "ErrorKey",
    "Field",
    "FieldType",
    "FormDefinition",
    "FormLibrary",
    "FormPin",
    "Option",
    "Overlay",
    "Problem",
    "Section",
    "UnknownFormError",
    "ValidationResult",
    "apply_overlay",
    "default_root",
    "form_from_dict",
    "form_to_dict",
    "is_visible",
    "load_library",
    "overlay_from_dict",
    "parse_document",
    "scan",
    "validate_field",
    "validate_form",
    "validate_section",
]
