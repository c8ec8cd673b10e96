from flask_wtf import FlaskForm

from webapp.govuk_fields import submit_button, text_area

REQUEST_MAX = 2000


class SubjectAccessForm(FlaskForm):
    request_details = text_area(
        "Who asked for the information, and when?",
        required="Enter who asked for the information, and when",
        max_length=REQUEST_MAX,
        subject="Who asked for the information",
        hint="For example, the young person, in writing on 3 March 2026, reference SAR-2026-014. "
        "Say how you checked who they are.",
    )
    submit = submit_button("Produce the bundle")
