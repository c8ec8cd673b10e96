from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from webapp.notes.services import TEXT_MAX


class NoteForm(FlaskForm):
    text = TextAreaField(
        "Note",
        widget=GovTextArea(),
        description=(
            "Only you can read this note. Record here what the family told you but does not "
            "want recorded on the form or shared."
        ),
        validators=[
            InputRequired(message="Enter the note"),
            Length(max=TEXT_MAX, message=f"The note must be {TEXT_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Save the note", widget=GovSubmitInput())
