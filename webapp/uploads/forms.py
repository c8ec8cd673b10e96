from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput

from webapp.govuk_fields import submit_button


class SignedStatementForm(FlaskForm):
    # Type, size and presence are checked by webapp.uploads.services, on the content.
    statement = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description="A PDF, JPG, PNG or Word document, smaller than 10MB.",
    )
    submit = submit_button("Upload the signed statement")
