"""The forms of two-factor sign-in."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Regexp

from webapp.accounts.two_factor import (
    CODE_DIGITS,
    RECOVERY_ALPHABET,
    RECOVERY_CODE_LENGTH,
    normalise_code,
    normalise_recovery_code,
)


def _code(value):
    return normalise_code(value) if isinstance(value, str) else value


def _recovery_code(value):
    return normalise_recovery_code(value) if isinstance(value, str) else value


class AppCodeForm(FlaskForm):
    """A code from the person's authenticator app."""

    code = StringField(
        "Code from your authenticator app",
        widget=GovTextInput(),
        description=f"Your app shows a {CODE_DIGITS}-digit code that changes every 30 seconds.",
        filters=[_code],
        validators=[
            DataRequired(message="Enter the code from your authenticator app"),
            Regexp(
                rf"^[0-9]{{{CODE_DIGITS}}}$",
                message=f"The code must be {CODE_DIGITS} digits, like 123456",
            ),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class RecoveryCodeForm(FlaskForm):
    """One of the person's recovery codes."""

    code = StringField(
        "Recovery code",
        widget=GovTextInput(),
        description="One of the codes you printed or saved when you set up two-factor "
        "sign-in, like abcde-fghjk. Each code works once.",
        filters=[_recovery_code],
        validators=[
            DataRequired(message="Enter a recovery code"),
            Regexp(
                rf"^[{RECOVERY_ALPHABET}]{{{RECOVERY_CODE_LENGTH}}}$",
                message="Enter the recovery code as it was given to you, like abcde-fghjk",
            ),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())
