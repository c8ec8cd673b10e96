from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length, ValidationError

from webapp.accounts import password_rules
from webapp.accounts.models import User
from webapp.govuk_fields import email_input, submit_button


class SignInForm(FlaskForm):
    email = email_input("Email address", required=DataRequired(message="Enter your email address"))
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[
            DataRequired(message="Enter your password"),
            Length(max=200, message="Password must be 200 characters or fewer"),
        ],
    )
    submit = submit_button("Sign in")


class SignOutForm(FlaskForm):
    """Signing out is a POST with a CSRF token, so another site cannot sign a user out."""


class SetPasswordForm(FlaskForm):
    """A person choosing their own password, from the link their administrator sent."""

    password = PasswordField(
        "Create a password",
        widget=GovPasswordInput(),
        description=f"Use {password_rules.MIN_LENGTH} characters or more. A few unrelated "
        "words is easy to remember and hard to guess.",
        validators=[DataRequired(message="Enter a password")],
    )
    confirm = PasswordField(
        "Enter the password again",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter the password again")],
    )
    submit = submit_button("Set your password")

    def __init__(self, *args, account: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.account = account

    def validate_password(self, field):
        found = password_rules.weakness(field.data, password_rules.words_for(self.account))
        if found is not None:
            raise ValidationError(found.message)

    def validate_confirm(self, field):
        if self.password.data and field.data != self.password.data:
            raise ValidationError("The passwords do not match")


class ForgottenPasswordForm(FlaskForm):
    """Asking for a link to choose a new password."""

    email = email_input("Email address", required=DataRequired(message="Enter your email address"))
    submit = submit_button("Send the link")
