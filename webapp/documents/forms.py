from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
)

from webapp.govuk_fields import select, submit_button
from webapp.sharing.forms import PublicInterestQuestions, RecipientForm, asks_public_interest


@asks_public_interest()
class ShareDocumentForm(PublicInterestQuestions, RecipientForm):
    """Produce a copy for another agency: with consent, or with a decision to share without
    consent (its questions answered, in the register)."""

    item = select("Which document?", required="Select the document to produce")
    submit = submit_button("Produce the document")


class SignedCopyForm(FlaskForm):
    document_type = select(
        "Which document is it a signed copy of?",
        required="Select which document this is a signed copy of",
    )
    # Type, size and presence are checked by webapp.uploads.services, on the content.
    signed_copy = FileField(
        "Upload the signed copy",
        widget=GovFileInput(),
        description="A PDF, JPG, PNG or Word document, smaller than 10MB.",
    )
    submit = submit_button("Upload the signed copy")


class CheckDocumentForm(FlaskForm):
    document = FileField(
        "Upload the Word document to check",
        widget=GovFileInput(),
        description="The .docx file exactly as you received it.",
    )
    submit = submit_button("Check the document")
