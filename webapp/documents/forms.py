from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from webapp.govuk_fields import GovukRadioField, GovukSelectField
from webapp.sharing.forms import RecipientForm
from webapp.sharing.models import GROUND_TITLES
from webapp.sharing.services import REASONS_MAX


class ShareDocumentForm(RecipientForm):
    """Produce a copy for another agency: with consent, or with a public-interest decision."""

    item = GovukSelectField(
        "Which document?",
        widget=GovSelect(),
        validators=[InputRequired(message="Select the document to produce")],
    )
    public_interest_ground = GovukRadioField(
        "If the family has not agreed to share with this agency: the grounds for sharing "
        "without consent",
        widget=GovRadioInput(),
        choices=[(ground.value, title) for ground, title in GROUND_TITLES.items()],
        validators=[Optional()],
        description="Leave this blank unless you are making a public-interest decision. It is "
        "recorded in the information-sharing register with your name.",
    )
    public_interest_reasons = TextAreaField(
        "Your reasons for sharing without consent",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(
                max=REASONS_MAX, message=f"Your reasons must be {REASONS_MAX} characters or fewer"
            ),
        ],
    )
    submit = SubmitField("Produce the document", widget=GovSubmitInput())


class SignedCopyForm(FlaskForm):
    document_type = GovukSelectField(
        "Which document is it a signed copy of?",
        widget=GovSelect(),
        validators=[InputRequired(message="Select which document this is a signed copy of")],
    )
    # Type, size and presence are checked by webapp.uploads.services, on the content.
    signed_copy = FileField(
        "Upload the signed copy",
        widget=GovFileInput(),
        description="A PDF, JPG, PNG or Word document, smaller than 10MB.",
    )
    submit = SubmitField("Upload the signed copy", widget=GovSubmitInput())


class CheckDocumentForm(FlaskForm):
    document = FileField(
        "Upload the Word document to check",
        widget=GovFileInput(),
        description="The .docx file exactly as you received it.",
    )
    submit = SubmitField("Check the document", widget=GovSubmitInput())
