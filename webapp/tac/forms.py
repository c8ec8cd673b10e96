from flask_wtf import FlaskForm
from wtforms.validators import Optional

from webapp.form_filters import member_choice
from webapp.govuk_fields import email_input, radios, select, submit_button, text_area, text_input
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

    email = email_input(
        "Email address of the practitioner",
        required="Enter the practitioner's email address",
        hint="They need an eCAF account. They can be in any borough.",
    )
    role = text_input(
        "Their role in the team (optional)",
        strip=True,
        hint="For example, school nurse, or family support worker",
        max_length=160,
        subject="Role",
    )
    submit = submit_button("Send invitation")


class FamilyMemberForm(TeamPageForm):
    kind = radios(
        "Who are you adding?",
        [(kind.value, kind.title) for kind in MemberKind if kind is not MemberKind.PRACTITIONER],
        required="Select who you are adding",
    )
    name = text_input("Full name", strip=True, required="Enter their full name", max_length=160)
    role = text_input(
        "Relationship to the child or role",
        strip=True,
        hint="For example, mother, grandfather, or youth club leader",
        required="Enter their relationship to the child or role",
        max_length=160,
        subject="Relationship",
    )
    email = email_input("Email address (optional)")
    phone = text_input(
        "Telephone number (optional)", strip=True, max_length=40, subject="Telephone number"
    )
    submit = submit_button("Add to the team")


class RemoveMemberForm(FlaskForm):
    reason = text_area(
        "Why are they leaving the team?",
        required="Enter why they are leaving the team",
        max_length=2000,
        subject="The reason",
    )
    submit = submit_button("Remove from the team")


class LeadProfessionalForm(TeamPageForm):
    member_id = select(
        "Who is the lead professional?",
        coerce=member_choice,
        required="Select the lead professional",
    )
    acting_member_id = select(
        "If the lead professional has no eCAF account: who takes their steps in eCAF?",
        coerce=member_choice,
        # Checked by the service: blank means the episode coordinator.
        validate_choice=False,
        validators=[Optional()],
        hint="For the young person, a parent or a carer. A practitioner in the team "
        "records the lead professional's decisions and takes their steps for them. Leave it "
        "blank for the episode coordinator.",
    )
    note = text_area(
        "Handover note",
        hint="What the new lead professional needs to know. Needed for a handover.",
        max_length=4000,
        subject="The note",
    )
    submit = submit_button("Save the lead professional")


class CoordinatorForm(TeamPageForm):
    member_id = select(
        "Who keeps the electronic record up to date (episode coordinator)?",
        coerce=member_choice,
        required="Select the episode coordinator",
    )
    submit = submit_button("Save the coordinator")


class RespondForm(FlaskForm):
    decision = radios(
        "Do you accept?",
        [("accept", "Yes, I accept"), ("decline", "No, I decline")],
        required="Select whether you accept",
    )
    submit = submit_button("Send my answer")


class JoinForm(TeamPageForm):
    submit = submit_button("Add myself to the team")
