from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from webapp.accounts import password_rules
from webapp.accounts.models import User


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(message="Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                message="Enter an email address in the correct format, like name@example.com",
                check_deliverability=False,
            ),
        ],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[
            DataRequired(message="Enter your password"),
            Length(max=200, message="Password must be 200 characters or fewer"),
        ],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


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
    submit = SubmitField("Set your password", widget=GovSubmitInput())

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

    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(message="Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                message="Enter an email address in the correct format, like name@example.com",
                check_deliverability=False,
            ),
        ],
    )
    submit = SubmitField("Send the link", widget=GovSubmitInput())
