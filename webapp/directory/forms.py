"""The directory's search form and the form an administrator fills in for a service."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
)
from wtforms import HiddenField
from wtforms.validators import DataRequired, Email, Optional, Regexp, ValidationError

from webapp.directory.models import (
    OLDEST_AGE,
    AccessRoute,
    ServiceLevel,
)
from webapp.directory.services import LIMITS, SEARCH_MAX, TITLES, ServiceDetails
from webapp.formdefs import Field, FieldType
from webapp.formdefs.validators import EMAIL_MESSAGE, check_uk_phone
from webapp.govuk_fields import (
    GovukCheckboxesField,
    radios,
    select,
    submit_button,
    text_area,
    text_input,
)

URL_MESSAGE = "Enter a website address in the correct format, like https://www.example.org"
RESIDENCY = [
    ("any", "Any service"),
    ("open", "Open to children and families from other boroughs"),
    ("residents", "Only for residents of the borough"),
]
LEVEL_CHOICES = ServiceLevel.choices()
ACCESS_CHOICES = AccessRoute.choices()


def _text(label, name, required_message=None, hint=None, area=False):
    """A service detail, with the limit and the name the directory service gives it."""
    return (text_area if area else text_input)(
        label,
        required=DataRequired(message=required_message) if required_message else None,
        max_length=LIMITS[name],
        subject=TITLES[name],
        hint=hint,
        strip=True,
    )


def _age(label: str):
    return text_input(
        label,
        required=DataRequired(message=f"Enter the {label.lower()}"),
        strip=True,
        validators=[
            Regexp(r"^[0-9]{1,3}$", message=f"{label} must be a whole number of years, like 5")
        ],
    )


class ServiceForm(FlaskForm):
    """Add or change a service. There is no borough to choose: a service always belongs to
    the administrator's own borough."""

    name = _text("Service name", "name", "Enter the service name")
    provider = _text(
        "Which organisation provides it?",
        "provider",
        "Enter the name of the organisation that provides the service",
        hint="For example, the council, an NHS trust, a school or a charity.",
    )
    description = _text(
        "What does the service do?", "description", "Enter what the service does", area=True
    )
    level = radios(
        "What level of service is it?",
        LEVEL_CHOICES,
        validators=[DataRequired(message="Select the level of the service")],
    )
    client_group = _text(
        "Who is the service for?",
        "client_group",
        "Enter who the service is for",
        hint="For example, parents of children under 5, young carers, or families in "
        "temporary accommodation.",
        area=True,
    )
    min_age = _age("Minimum age")
    max_age = _age("Maximum age")
    coverage = _text(
        "Which areas does it cover?",
        "coverage",
        "Enter the areas the service covers",
        hint="Whole borough, or the wards, towns or areas it covers.",
    )
    residents_only = radios(
        "Is it only for residents of the borough?",
        [("yes", "Yes"), ("no", "No")],
        hint="Answer no if children who live elsewhere can use it, for example because "
        "they go to school or see a GP here.",
        validators=[
            DataRequired(message="Select whether the service is only for residents of the borough")
        ],
    )
    address = _text(
        "Where is it based?",
        "address",
        "Enter where the service is based",
        hint="The address families go to. For outreach or online services, say so.",
        area=True,
    )
    access_routes = GovukCheckboxesField(
        "How can families get the service?",
        widget=GovCheckboxesInput(),
        choices=ACCESS_CHOICES,
        description="Select all that apply.",
        validators=[DataRequired(message="Select how families can get the service")],
    )
    referral_details = _text(
        "How to refer or get in touch (optional)",
        "referral_details",
        hint="For example, the referral form to use, opening times, or who to speak to first.",
        area=True,
    )
    phone = _text("Telephone number (optional)", "phone")
    email = _text("Email address (optional)", "email")
    website = _text("Website (optional)", "website", hint="For example, https://www.example.org")
    lock_version = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$")])
    submit = submit_button("Save the service")

    def validate_min_age(self, field):
        if not field.errors and int(field.data) > OLDEST_AGE:
            raise ValidationError(f"Minimum age must be between 0 and {OLDEST_AGE}")

    def validate_max_age(self, field):
        if field.errors:
            return
        if int(field.data) > OLDEST_AGE:
            raise ValidationError(f"Maximum age must be between 0 and {OLDEST_AGE}")
        if not self.min_age.errors and int(field.data) < int(self.min_age.data):
            raise ValidationError("Maximum age must be the same as or more than minimum age")

    def validate_phone(self, field):
        if field.data:
            phone, error = check_uk_phone(_PHONE, field.data)
            if error:
                raise ValidationError(error)
            field.data = phone

    def validate_email(self, field):
        if field.data:
            Email(message=EMAIL_MESSAGE, check_deliverability=False)(self, field)

    def validate_website(self, field):
        if not field.data:
            return
        address = field.data
        if "://" not in address:
            address = "https://" + address
        parts = urlsplit(address)
        host = parts.hostname or ""
        if (
            parts.scheme not in ("http", "https")
            or not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", host.lower())
            or re.search(r"\s", address)
        ):
            raise ValidationError(URL_MESSAGE)
        field.data = address

    def details(self) -> ServiceDetails:
        return ServiceDetails(
            name=self.name.data,
            provider=self.provider.data,
            description=self.description.data,
            level=ServiceLevel(self.level.data),
            client_group=self.client_group.data,
            min_age=int(self.min_age.data),
            max_age=int(self.max_age.data),
            coverage=self.coverage.data,
            residents_only=self.residents_only.data == "yes",
            address=self.address.data,
            access_routes=frozenset(AccessRoute(value) for value in self.access_routes.data),
            referral_details=self.referral_details.data or "",
            phone=self.phone.data or "",
            email=self.email.data or "",
            website=self.website.data or "",
        )

    def fill(self, details: ServiceDetails, lock_version: int) -> None:
        """Show a stored service's details (a GET of the edit page)."""
        for name in ("name", "provider", "description", "client_group", "coverage", "address"):
            getattr(self, name).data = getattr(details, name)
        for name in ("referral_details", "phone", "email", "website"):
            getattr(self, name).data = getattr(details, name)
        self.level.data = details.level.value
        self.min_age.data = str(details.min_age)
        self.max_age.data = str(details.max_age)
        self.residents_only.data = "yes" if details.residents_only else "no"
        self.access_routes.data = [
            route.value for route in AccessRoute if route in details.access_routes
        ]
        self.lock_version.data = str(lock_version)


_PHONE = Field(id="phone", type=FieldType.UK_PHONE, label="Telephone number")


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class SearchForm(FlaskForm):
    """The directory's search and filters, sent in the query string (no CSRF: it changes
    nothing)."""

    class Meta:
        csrf = False

    q = text_input(
        "Search the directory",
        max_length=SEARCH_MAX,
        subject="Search",
        hint="A service's name, what it helps with, or an area, like speech or parenting.",
        strip=True,
    )
    borough = select("Borough", validate_choice=True)
    level = GovukCheckboxesField("Level", widget=GovCheckboxesInput(), choices=LEVEL_CHOICES)
    age = text_input(
        "Age of the child (years)",
        hint="Enter 0 for an unborn baby or a baby under 1.",
        strip=True,
        validators=[Regexp(r"^[0-9]{1,3}$", message="Age must be a whole number of years, like 7")],
    )
    residency = radios("Who can use it", RESIDENCY, default="any")
    access = GovukCheckboxesField(
        "How families get it", widget=GovCheckboxesInput(), choices=ACCESS_CHOICES
    )
    inactive = GovukCheckboxesField(
        "Services no longer listed",
        widget=GovCheckboxesInput(),
        choices=[("yes", "Include your borough's services that are no longer listed")],
    )

    def validate_age(self, field):
        if field.data and not field.errors and int(field.data) > OLDEST_AGE:
            raise ValidationError(f"Age must be between 0 and {OLDEST_AGE}")
