"""Filters shared by the WTForms forms: what a field's raw input becomes before it is checked."""


def strip_text(value):
    """Text without the spaces around it; anything that is not text stays as it is."""
    return value.strip() if isinstance(value, str) else value


def member_choice(value):
    """Member ids; the empty placeholder is None, anything else not a number is invalid."""
    if value in ("", None):
        return None
    return int(value) if str(value).isdigit() else -1
