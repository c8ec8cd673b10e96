from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import EmailField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from webapp.form_filters import member_choice, strip_text
from webapp.govuk_fields import GovukRadioField, GovukSelectField
from webapp.sharing.forms import PublicInterestQuestions, asks_public_interest
from webapp.tac.models import MemberKind


class TeamPageForm(FlaskForm):
    """One of several forms on the team page: each has a prefix so ids stay unique, and
    relies on the app-wide CSRF check (CSRFProtect) instead of a token field of its own."""

    class Meta:
        csrf = False


@asks_public_interest()
class InviteForm(PublicInterestQuestions, TeamPageForm):
    """Invite a practitioner. If their agency is not covered by consent, the inviter answers
    the questions of a decision to share without consent (in the register with their name)."""

    email = EmailField(
        "Email address of the practitioner",
        widget=GovTextInput(),
        filters=[strip_text],
        description="They need an eCAF account. They can be in any borough.",
        validators=[
            InputRequired(message="Enter the practitioner's email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                message="Enter an email address in the correct format, like name@example.com",
                check_deliverability=False,
            ),
        ],
    )
    role = StringField(
        "Their role in the team (optional)",
        widget=GovTextInput(),
        filters=[strip_text],
        description="For example, school nurse, or family support worker",
        validators=[Optional(), Length(max=160, message="Role must be 160 characters or fewer")],
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class FamilyMemberForm(TeamPageForm):
    kind = GovukRadioField(
        "Who are you adding?",
        widget=GovRadioInput(),
        choices=[
            (kind.value, kind.title) for kind in MemberKind if kind is not MemberKind.PRACTITIONER
        ],
        validators=[InputRequired(message="Select who you are adding")],
    )
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            InputRequired(message="Enter their full name"),
            Length(max=160, message="Full name must be 160 characters or fewer"),
        ],
    )
    role = StringField(
        "Relationship to the child or role",
        widget=GovTextInput(),
        filters=[strip_text],
        description="For example, mother, grandfather, or youth club leader",
        validators=[
            InputRequired(message="Enter their relationship to the child or role"),
            Length(max=160, message="Relationship must be 160 characters or fewer"),
        ],
    )
    email = StringField(
        "Email address (optional)",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                message="Enter an email address in the correct format, like name@example.com",
                check_deliverability=False,
            ),
        ],
    )
    phone = StringField(
        "Telephone number (optional)",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=40, message="Telephone number must be 40 characters or fewer"),
        ],
    )
    submit = SubmitField("Add to the team", widget=GovSubmitInput())


class RemoveMemberForm(FlaskForm):
    reason = TextAreaField(
        "Why are they leaving the team?",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter why they are leaving the team"),
            Length(max=2000, message="The reason must be 2000 characters or fewer"),
        ],
    )
    submit = SubmitField("Remove from the team", widget=GovSubmitInput())


class LeadProfessionalForm(TeamPageForm):
    member_id = GovukSelectField(
        "Who is the lead professional?",
        widget=GovSelect(),
        coerce=member_choice,
        validators=[InputRequired(message="Select the lead professional")],
    )
    acting_member_id = GovukSelectField(
        "If the lead professional has no eCAF account: who takes their steps in eCAF?",
        widget=GovSelect(),
        coerce=member_choice,
        # Checked by the service: blank means the episode coordinator.
        validate_choice=False,
        validators=[Optional()],
        description="For the young person, a parent or a carer. A practitioner in the team "
        "records the lead professional's decisions and takes their steps for them. Leave it "
        "blank for the episode coordinator.",
    )
    note = TextAreaField(
        "Handover note",
        widget=GovTextArea(),
        description="What the new lead professional needs to know. Needed for a handover.",
        validators=[
            Optional(),
            Length(max=4000, message="The note must be 4000 characters or fewer"),
        ],
    )
    submit = SubmitField("Save the lead professional", widget=GovSubmitInput())


class CoordinatorForm(TeamPageForm):
    member_id = GovukSelectField(
        "Who keeps the electronic record up to date (episode coordinator)?",
        widget=GovSelect(),
        coerce=member_choice,
        validators=[InputRequired(message="Select the episode coordinator")],
    )
    submit = SubmitField("Save the coordinator", widget=GovSubmitInput())


class RespondForm(FlaskForm):
    decision = GovukRadioField(
        "Do you accept?",
        widget=GovRadioInput(),
        choices=[("accept", "Yes, I accept"), ("decline", "No, I decline")],
        validators=[InputRequired(message="Select whether you accept")],
    )
    submit = SubmitField("Send my answer", widget=GovSubmitInput())


class JoinForm(TeamPageForm):
    submit = SubmitField("Add myself to the team", widget=GovSubmitInput())
