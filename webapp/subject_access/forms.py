from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

REQUEST_MAX = 2000


class SubjectAccessForm(FlaskForm):
    request_details = TextAreaField(
        "Who asked for the information, and when?",
        widget=GovTextArea(),
        description=(
            "For example, the young person, in writing on 3 March 2026, reference SAR-2026-014. "
            "Say how you checked who they are."
        ),
        validators=[
            InputRequired(message="Enter who asked for the information, and when"),
            Length(
                max=REQUEST_MAX,
                message=f"Who asked for the information must be {REQUEST_MAX} characters or fewer",
            ),
        ],
    )
    submit = SubmitField("Produce the bundle", widget=GovSubmitInput())
