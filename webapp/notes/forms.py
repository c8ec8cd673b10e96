from flask_wtf import FlaskForm

from webapp.govuk_fields import submit_button, text_area
from webapp.notes.services import TEXT_MAX


class NoteForm(FlaskForm):
    text = text_area(
        "Note",
        required="Enter the note",
        max_length=TEXT_MAX,
        subject="The note",
        hint="Only you can read this note. Record here what the family told you but does not "
        "want recorded on the form or shared.",
    )
    submit = submit_button("Save the note")
