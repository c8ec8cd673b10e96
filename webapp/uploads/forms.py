from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField


class SignedStatementForm(FlaskForm):
    # Type, size and presence are checked by webapp.uploads.services, on the content.
    statement = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description="A PDF, JPG, PNG or Word document, smaller than 10MB.",
    )
    submit = SubmitField("Upload the signed statement", widget=GovSubmitInput())
