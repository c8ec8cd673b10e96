"""The WTForms side of the form pages: the CSRF token and the hidden state each page carries.

The questions themselves come from the form definition and are checked by
`webapp.formdefs.validate_section` (one set of rules, with GOV.UK wording, for every page,
the command line and the tests); `pages.py` reads them from the request."""

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import Length, Optional, Regexp

#: Largest JSON a conflict page carries back (the user's own answers to one section).
ANSWERS_JSON_MAX = 2_000_000


class SectionForm(FlaskForm):
    """A section page. `section_version` is the version of the stored answers the page
    was built from (0: none yet): a save based on an older version is a conflict."""

    section_version = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$")])
    # Set only by the conflict page's "keep my answers": the answers the user sent.
    answers_json = HiddenField(validators=[Optional(), Length(max=ANSWERS_JSON_MAX)])


class ConfirmForm(FlaskForm):
    """A button that changes something (start a form, submit a form): only the CSRF token."""
