"""Forms the system administrator fills in to add a borough and its organisations."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField

from webapp.boroughs.models import BoroughKind, Sector
from webapp.boroughs.onboarding import BoroughDetails, OrganisationDetails
from webapp.govuk_fields import (
    radios,
    select,
    submit_button,
    text_area,
    text_input,
)


def _text(label: str, hint: str | None = None) -> StringField:
    """An answer onboarding checks (its messages go on the field): none of its own checks."""
    return text_input(label, hint=hint, strip=True, skip_blank=False)


class NewBoroughForm(FlaskForm):
    """A local authority. Lengths, formats and uniqueness are checked by onboarding, whose
    messages the view puts on the fields."""

    name = _text("Name of the local authority", "For example, London Borough of Eastmoor.")
    code = _text(
        "Code",
        "A short name in lowercase letters, digits and hyphens, like eastmoor. It names the "
        "borough's own forms, workflow and templates, and starts its CAF references. It "
        "cannot be changed.",
    )
    kind = radios(
        "Kind of local authority",
        BoroughKind.choices(),
        validate_choice=False,
    )
    region = _text("Region (optional)", "For example, London or North West.")
    contact_name = _text(
        "Name of the CAF contact or team (optional)",
        "Published to practitioners and other boroughs. Leave it blank for “<name> CAF team”.",
    )
    contact_email = _text("CAF contact email address")
    contact_phone = _text("CAF contact telephone number (optional)")
    contact_address = text_area(
        "CAF contact postal address (optional)", skip_blank=False, strip=True
    )
    admin_name = _text("Full name of the borough's first administrator")
    admin_email = _text(
        "Their email address",
        "We e-mail them a link to set their password. They then add the borough's "
        "organisations and accounts.",
    )
    submit = submit_button("Add the borough")

    def details(self) -> BoroughDetails:
        return BoroughDetails(
            code=self.code.data or "",
            name=self.name.data or "",
            kind=self.kind.data or "",
            region=self.region.data or "",
            contact_name=self.contact_name.data or "",
            contact_email=self.contact_email.data or "",
            contact_phone=self.contact_phone.data or "",
            contact_address=self.contact_address.data or "",
        )


class NewOrganisationForm(FlaskForm):
    name = _text("Name of the organisation", "For example, Eastmoor Primary School.")
    sector = select(
        "Sector",
        choices=[("", "Select a sector")] + [(sector.value, sector.title) for sector in Sector],
        validate_choice=False,
    )
    email = _text("Email address (optional)")
    phone = _text("Telephone number (optional)")
    submit = submit_button("Add the organisation")

    def details(self) -> OrganisationDetails:
        return OrganisationDetails(
            name=self.name.data or "",
            sector=self.sector.data or "",
            email=self.email.data or "",
            phone=self.phone.data or "",
        )
