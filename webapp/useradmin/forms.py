"""Forms an administrator fills in for the borough's accounts. None has a password field."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
)
from wtforms import HiddenField
from wtforms.validators import DataRequired, ValidationError

from webapp.access.permissions import Role
from webapp.govuk_fields import (
    GovukCheckboxesField,
    date_input,
    email_input,
    radios,
    select,
    submit_button,
    text_area,
    text_input,
)
from webapp.useradmin.services import (
    ASSIGNABLE_ROLES,
    REASON_MAX,
    SEARCH_MAX,
    AccountDetails,
)

ROLE_HINTS = {
    Role.PRACTITIONER: "Checks the child index, assesses with families and joins teams "
    "around the child.",
    Role.MANAGER: "Supervises practitioners and approves closures.",
    Role.BOROUGH_CAF_CONTACT: "Checks requests from other boroughs and sees the borough's "
    "episodes. Another administrator must approve it.",
    Role.BOROUGH_ADMIN: "Keeps the borough's forms, service directory and accounts, and cannot "
    "also read children's records. Another administrator must approve it.",
}


class AccountForm(FlaskForm):
    """What an administrator decides about an account: organisation, roles, DBS check and
    training. The choices of organisation are set by the view (the borough's only)."""

    organisation = select(
        "Organisation",
        validate_choice=True,
        validators=[DataRequired(message="Select the organisation the person works for")],
    )
    roles = GovukCheckboxesField(
        "Roles",
        widget=GovCheckboxesInput(),
        choices=[(role.value, role.title) for role in ASSIGNABLE_ROLES],
        description="Select all that apply.",
        validators=[DataRequired(message="Select at least one role")],
    )
    dbs_check_date = date_input(
        "Date of the enhanced DBS check",
        "the date of the DBS check",
        "For example, 27 3 2025. Leave it blank if the check has not been done: "
        "without an in-date check the person cannot see children's records.",
        required=False,
    )
    caf_trained = radios(
        "Has the person completed CAF training?",
        [("yes", "Yes"), ("no", "No")],
        validators=[DataRequired(message="Select whether the person has completed CAF training")],
    )
    # The account as the administrator saw it when the page was drawn, to notice another
    # administrator's change made in the meantime (see services.update).
    seen = HiddenField()
    submit = submit_button("Save changes")

    def validate_dbs_check_date(self, field):
        if field.data is not None and field.data > date.today():
            field.wrong_parts = ("day", "month", "year")
            raise ValidationError("The date of the DBS check must be today or in the past")

    def details(self) -> AccountDetails:
        return AccountDetails(
            organisation_id=int(self.organisation.data),
            roles=frozenset(Role(value) for value in self.roles.data),
            dbs_check_date=self.dbs_check_date.data,
            caf_trained=self.caf_trained.data == "yes",
        )

    def fill(self, details: AccountDetails) -> None:
        self.organisation.data = str(details.organisation_id)
        self.roles.data = [role.value for role in ASSIGNABLE_ROLES if role in details.roles]
        self.dbs_check_date.process_data(details.dbs_check_date)
        self.caf_trained.data = "yes" if details.caf_trained else "no"


class NewAccountForm(AccountForm):
    full_name = text_input(
        "Full name",
        required=DataRequired(message="Enter the person's full name"),
        max_length=120,
        strip=True,
    )
    email = email_input(
        "Email address",
        required=DataRequired(message="Enter the person's email address"),
        hint="The person's own work email address. Accounts are personal: never a shared mailbox.",
    )
    submit = submit_button("Create the account")

    # Questions in the order the page asks them (the error summary follows it).
    field_order = ("full_name", "email", "organisation", "roles", "dbs_check_date", "caf_trained")

    def __iter__(self):
        named = {name: self[name] for name in self.field_order}
        rest = [field for field in super().__iter__() if field.name not in named]
        return iter([*named.values(), *rest])


class StatusForm(FlaskForm):
    """Deactivate or reactivate an account, with a reason."""

    reason = text_area(
        "Reason",
        required=DataRequired(message="Enter the reason"),
        max_length=REASON_MAX,
        strip=True,
    )


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class SearchForm(FlaskForm):
    """Searching the borough's accounts, in the query string (it changes nothing)."""

    class Meta:
        csrf = False

    q = text_input(
        "Search by name or email address", max_length=SEARCH_MAX, subject="Search", strip=True
    )
