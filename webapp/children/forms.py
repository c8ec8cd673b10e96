import re

from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from webapp.episodes.models import SOCIAL_CARE_TITLES
from webapp.govuk_fields import date_input, radios, submit_button, text_area, text_input

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$", re.IGNORECASE)

REASONS = [
    ("concern", "I have a concern about a child I work with"),
    ("existing_caf", "I am checking whether a CAF exists before I start one"),
    ("find_lead", "I need to contact the lead professional or others working with the child"),
    ("other", "Another reason"),
]


class ChildSearchForm(FlaskForm):
    reason = radios(
        "Why are you searching?",
        REASONS,
        required="Select why you are searching",
        hint="Every search is recorded with its reason.",
    )
    reason_details = text_area(
        "Give the reason", skip_blank=False, max_length=500, subject="The reason"
    )
    given_name = text_input("Given name", max_length=120)
    family_name = text_input(
        "Family name", max_length=120, skip_blank=False
    )  # checks the details given
    date_of_birth = date_input(
        "Date of birth or expected date of delivery",
        "the date of birth",
        "For example, 27 3 2015",
        required=False,
    )
    postcode = text_input("Postcode", max_length=10)
    reference = text_input("Unique reference number", max_length=40)
    submit = submit_button("Search")

    def validate_postcode(self, field):
        if field.data and not POSTCODE.match(field.data.strip()):
            raise ValidationError("Enter a real postcode, like SE15 4AB")

    def validate_reason_details(self, field):
        if self.reason.data == "other" and not (field.data or "").strip():
            raise ValidationError("Give the reason you are searching")

    def validate_family_name(self, field):
        enough = (self.reference.data or "").strip() or (
            (field.data or "").strip()
            and any(
                [
                    (self.given_name.data or "").strip(),
                    self.date_of_birth.data,
                    (self.postcode.data or "").strip(),
                ]
            )
        )
        if not enough:
            raise ValidationError(
                "Enter the child's family name and one other detail, or their unique reference"
            )


class StartEpisodeForm(FlaskForm):
    """The existing-CAF check also asks about children's social care (London CAF protocol,
    Annex 1, section 2: "Checks should also include social care services to see whether they
    are involved or have had prior involvement")."""

    social_care = radios(
        "Is children's social care involved, or has it been?",
        [(value.value, title) for value, title in SOCIAL_CARE_TITLES.items()],
        required="Select whether children's social care is involved, or has been",
        hint="Check with children's social care or your borough CAF contact if you do not "
        "know. The child index shows your answer to others who search for this child.",
    )
    submit = submit_button("Start the CAF")
