"""Forms the system administrator fills in to add a borough and its organisations."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import StringField, SubmitField, TextAreaField

from webapp.boroughs.models import BoroughKind, Sector
from webapp.boroughs.onboarding import KIND_TITLES, BoroughDetails, OrganisationDetails
from webapp.form_filters import strip_text
from webapp.govuk_fields import GovukRadioField, GovukSelectField


def _text(label: str, description: str = "", **options) -> StringField:
    return StringField(
        label, widget=GovTextInput(), filters=[strip_text], description=description, **options
    )


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
    kind = GovukRadioField(
        "Kind of local authority",
        widget=GovRadioInput(),
        choices=[(kind.value, KIND_TITLES[kind]) for kind in BoroughKind],
        validate_choice=False,  # onboarding checks it, with every other problem
    )
    region = _text("Region (optional)", "For example, London or North West.")
    contact_name = _text(
        "Name of the CAF contact or team (optional)",
        "Published to practitioners and other boroughs. Leave it blank for “<name> CAF team”.",
    )
    contact_email = _text("CAF contact email address")
    contact_phone = _text("CAF contact telephone number (optional)")
    contact_address = TextAreaField(
        "CAF contact postal address (optional)", widget=GovTextArea(), filters=[strip_text]
    )
    admin_name = _text("Full name of the borough's first administrator")
    admin_email = _text(
        "Their email address",
        "We e-mail them a link to set their password. They then add the borough's "
        "organisations and accounts.",
    )
    submit = SubmitField("Add the borough", widget=GovSubmitInput())

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
    sector = GovukSelectField(
        "Sector",
        widget=GovSelect(),
        choices=[("", "Select a sector")] + [(sector.value, sector.title) for sector in Sector],
        validate_choice=False,  # onboarding checks it, with every other problem
    )
    email = _text("Email address (optional)")
    phone = _text("Telephone number (optional)")
    submit = SubmitField("Add the organisation", widget=GovSubmitInput())

    def details(self) -> OrganisationDetails:
        return OrganisationDetails(
            name=self.name.data or "",
            sector=self.sector.data or "",
            email=self.email.data or "",
            phone=self.phone.data or "",
        )
