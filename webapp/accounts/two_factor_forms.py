"""The forms of two-factor sign-in."""

from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Regexp

from webapp.accounts.two_factor import (
    CODE_DIGITS,
    RECOVERY_ALPHABET,
    RECOVERY_CODE_LENGTH,
    normalise_code,
    normalise_recovery_code,
)
from webapp.govuk_fields import submit_button, text_input


def _code(value):
    return normalise_code(value) if isinstance(value, str) else value


def _recovery_code(value):
    return normalise_recovery_code(value) if isinstance(value, str) else value


class AppCodeForm(FlaskForm):
    """A code from the person's authenticator app."""

    code = text_input(
        "Code from your authenticator app",
        required=DataRequired(message="Enter the code from your authenticator app"),
        hint=f"Your app shows a {CODE_DIGITS}-digit code that changes every 30 seconds.",
        filters=[_code],
        validators=[
            Regexp(
                rf"^[0-9]{{{CODE_DIGITS}}}$",
                message=f"The code must be {CODE_DIGITS} digits, like 123456",
            )
        ],
    )
    submit = submit_button("Continue")


class RecoveryCodeForm(FlaskForm):
    """One of the person's recovery codes."""

    code = text_input(
        "Recovery code",
        required=DataRequired(message="Enter a recovery code"),
        hint="One of the codes you printed or saved when you set up two-factor "
        "sign-in, like abcde-fghjk. Each code works once.",
        filters=[_recovery_code],
        validators=[
            Regexp(
                rf"^[{RECOVERY_ALPHABET}]{{{RECOVERY_CODE_LENGTH}}}$",
                message="Enter the recovery code as it was given to you, like abcde-fghjk",
            )
        ],
    )
    submit = submit_button("Continue")
