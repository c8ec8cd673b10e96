"""A refusal of consent before anything was agreed to be recorded keeps nothing of the CAF
(DESIGN §3: "No consent to record → nothing of the CAF is stored, and the index shows no
trace"), tried through HTTP from every side."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from bs4 import BeautifulSoup
from flask import current_app
from sqlalchemy import Enum, String, Text, func, or_, select

from tests.conftest import sign_in
from tests.factories import (
    make_borough,
    make_child,
    make_consent,
    make_organisation,
    make_user,
)
from webapp import db
from webapp.access.permissions import Role
from webapp.assessments.models import EpisodeFormPin, FormResponse, SectionAnswers
from webapp.audit import services as audit
from webapp.audit.models import AuditEvent
from webapp.audit.verification import verify_chain
from webapp.boroughs.models import Sector
from webapp.children.models import Child
from webapp.consent.models import (
    Consent,
    ConsentAgency,
    ConsentDecision,
    ConsentReview,
    ReviewOutcome,
)
from webapp.consent.refusals import AUDIT_ACTION
from webapp.crossborough.models import JoinRequest, JoinRequestStatus
from webapp.documents.models import GeneratedDocument, SignedCopy
from webapp.episodes import erasure
from webapp.episodes.models import Episode, EpisodeTransition, Notification
from webapp.models import metadata
from webapp.notes.models import ConfidentialNote
from webapp.sharing.models import SharingBasis, SharingDecision
from webapp.tac.models import (
    HandoverStatus,
    Involvement,
    LeadProfessionalChange,
    MemberKind,
    MemberStatus,
    TacMember,
)
from webapp.uploads.models import StoredFile
from webapp.uploads.services import upload_folder

WHAT_THEY_SAID = "Mum said the school should stop asking about home: zebra-quartz-1904"
CHILD_NAME = ("Imogen", "Refusenik")


@pytest.fixture
def world(app, client):
    """Riverside: an assessor who found Imogen in the child index and started her CAF through
    the pages, a colleague, a manager and the CAF contact; Northgate: a practitioner."""
    riverside = make_borough("riverside", name="London Borough of Riverside")
    northgate = make_borough("northgate", name="London Borough of Northgate")
    school = make_organisation(riverside, Sector.SCHOOL, name="Riverside Primary")
    assessor = make_user(school)
    colleague = make_user(school)
    manager = make_user(school, Role.MANAGER)
    caf_contact = make_user(make_organisation(riverside), Role.BOROUGH_CAF_CONTACT)
    outsider = make_user(make_organisation(northgate, name="Northgate Academy"))
    child = make_child(
        riverside, given_names=CHILD_NAME[0], family_name=CHILD_NAME[1], postcode="SE15 4AB"
    )
    other_child = make_child(riverside, given_names="Kept", family_name="Elsewhere")
    db.session.commit()
    sign_in(client, assessor)
    search(client)
    started = client.post_form(
        f"/children/{child.id}/episodes", start_answers(), token_from="/child-index"
    )
    assert started.status_code == 302
    episode = db.session.scalars(select(Episode).where(Episode.child_id == child.id)).one()
    return {
        "riverside": riverside,
        "school": school,
        "assessor": assessor,
        "colleague": colleague,
        "manager": manager,
        "caf_contact": caf_contact,
        "outsider": outsider,
        "child": child,
        "other_child": other_child,
        "episode": episode,
    }


def start_answers() -> dict:
    return {"social_care": "not_known"}


def search(client):
    return client.post_form(
        "/child-index",
        {"reason": "existing_caf", "given_name": CHILD_NAME[0], "family_name": CHILD_NAME[1]},
    )


def refusal_answers(**overrides) -> dict:
    today = date.today()
    data = {
        "refused": "assess",
        "given_by": "parent_carer",
        "given_by_name": "Pat Refusenik",
        "relationship_to_child": "Mother",
        "parental_responsibility": "yes",
        "method": "verbal",
        "given_on-day": str(today.day),
        "given_on-month": str(today.month),
        "given_on-year": str(today.year),
        "comment": WHAT_THEY_SAID,
    }
    data.update(overrides)
    return data


def refuse(client, episode, **overrides):
    path = f"/episodes/{episode.id}/consent/refusal"
    return client.post_form(path, refusal_answers(**overrides))


def errors(response) -> list[str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [li.get_text(strip=True) for li in soup.select(".govuk-error-summary__list li")]


def hang_everything_off(episode: Episode, world: dict) -> Path:
    """A row in every table that can refer to an episode, as if the CAF had gone a long way
    before the refusal (the erasure is generic: this proves it finds every table)."""
    assessor, school = world["assessor"], world["school"]
    stored = StoredFile(
        episode_id=episode.id,
        original_filename="statement.pdf",
        media_type="application/pdf",
        size_bytes=5,
        sha256="0" * 64,
        stored_path="refused-episode-file",
        uploaded_by_id=assessor.id,
    )
    db.session.add(stored)
    db.session.flush()
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    on_disk = folder / stored.stored_path
    on_disk.write_bytes(b"%PDF-")
    consent = make_consent(
        episode, assessor, to_record=False, to_share=True, signed_statement_id=stored.id
    )
    consent.agencies = [ConsentAgency(organisation_id=school.id)]
    db.session.add(
        ConsentReview(
            consent_id=consent.id,
            reviewed_on=date.today(),
            outcome=ReviewOutcome.STILL_AGREED,
            reviewed_by_id=assessor.id,
        )
    )
    response = FormResponse(
        episode_id=episode.id,
        form_id="pre_assessment_checklist",
        form_version=1,
        created_by_id=assessor.id,
    )
    response.sections = [
        SectionAnswers(
            section_id="be_healthy",
            answers_json=json.dumps({"concern": WHAT_THEY_SAID}),
            updated_by_id=assessor.id,
        )
    ]
    db.session.add(response)
    db.session.add(
        EpisodeFormPin(episode_id=episode.id, form_id="caf_assessment_extra", form_version=1)
    )
    member = TacMember(
        episode_id=episode.id,
        kind=MemberKind.PRACTITIONER,
        status=MemberStatus.ACTIVE,
        user_id=world["colleague"].id,
        name="Colleague",
        invited_by_id=assessor.id,
    )
    db.session.add(member)
    db.session.flush()
    episode.lead_member_id = member.id
    db.session.add(
        Involvement(
            child_id=episode.child_id,
            tac_member_id=member.id,
            name="Colleague",
            started_on=date.today(),
            recorded_by_id=assessor.id,
        )
    )
    db.session.add(
        LeadProfessionalChange(
            episode_id=episode.id,
            to_member_id=member.id,
            status=HandoverStatus.ACCEPTED,
            proposed_by_id=assessor.id,
        )
    )
    decision = SharingDecision(
        episode_id=episode.id,
        decided_by_id=assessor.id,
        basis=SharingBasis.CONSENT,
        what="The checklist",
        organisation_id=school.id,
        consent_id=consent.id,
    )
    db.session.add(decision)
    db.session.flush()
    document = GeneratedDocument(
        episode_id=episode.id,
        document_type="consent_statement",
        consent_id=consent.id,
        response_id=response.id,
        template="national",
        template_sha256="0" * 64,
        sharing_decision_id=decision.id,
        filename="statement.docx",
        generated_by_id=assessor.id,
    )
    db.session.add(document)
    db.session.flush()
    db.session.add(
        SignedCopy(
            episode_id=episode.id,
            document_type="consent_statement",
            stored_file_id=stored.id,
            generated_document_id=document.id,
        )
    )
    db.session.add(
        JoinRequest(
            episode_id=episode.id,
            requester_id=world["outsider"].id,
            role="Mentor",
            reason="I work with her",
            status=JoinRequestStatus.APPROVED,
            tac_member_id=member.id,
            sharing_decision_id=decision.id,
        )
    )
    db.session.add(ConfidentialNote(episode_id=episode.id, author_id=assessor.id, text="Mine"))
    db.session.add(
        Notification(user_id=world["caf_contact"].id, episode_id=episode.id, kind="x", message=".")
    )
    db.session.add(
        EpisodeTransition(
            episode_id=episode.id,
            actor_id=assessor.id,
            trigger="t",
            title="t",
            from_state="identified",
            to_state="identified",
            workflow_id="caf",
            workflow_version=1,
        )
    )
    db.session.commit()
    return on_disk


def rows_referring_to(episode_id: int) -> dict[str, int]:
    """Every row, in any table but the audit trail, that refers to the episode, directly or
    through a row that does."""
    found = {}
    for table in erasure.dependent_tables():
        if table.name == "episode":
            count = db.session.scalar(
                select(func.count()).select_from(table).where(table.c.id == episode_id)
            )
        else:
            count = db.session.scalar(select(func.count()).select_from(table))
        if count:
            found[table.name] = count
    return found


def text_anywhere(marker: str) -> list[str]:
    """The tables and columns, the audit trail's included, whose text holds `marker`."""
    found = []
    for table in metadata.sorted_tables:
        columns = [
            c
            for c in table.columns
            if isinstance(c.type, String | Text) and not isinstance(c.type, Enum)
        ]
        if columns:
            statement = select(func.count()).select_from(table)
            statement = statement.where(or_(*(c.contains(marker) for c in columns)))
            if db.session.scalar(statement):
                found.append(table.name)
    return found


def test_a_refusal_to_be_assessed_erases_everything_hanging_off_the_episode(client, world):
    """CWDC 2009, 4.18: "If the child or young person, or family, do not consent to recording
    the information in an eCAF system, nothing can be stored." Every table that refers to
    the episode is emptied of it; another child's CAF and the child's index entry stay."""
    episode = world["episode"]
    on_disk = hang_everything_off(episode, world)
    other = db.session.get(Child, world["other_child"].id)
    kept = Episode(
        reference="RIV-KEPT-1",
        child=other,
        borough_id=other.borough_id,
        state="assessing",
        workflow_id="caf",
        workflow_version=1,
        assessor=world["assessor"],
    )
    db.session.add(kept)
    db.session.flush()
    make_consent(kept, world["assessor"])
    db.session.add(
        Notification(user_id=world["assessor"].id, episode_id=kept.id, kind="k", message="kept")
    )
    db.session.commit()
    tables = {table.name for table in erasure.dependent_tables()}
    assert tables >= {
        "consent",
        "form_response",
        "tac_member",
        "sharing_decision",
        "generated_document",
        "stored_file",
        "notification",
        "involvement",
    }

    episode_id = episode.id

    response = refuse(client, episode)

    assert response.status_code == 200
    assert "Refusal noted" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Episode, episode_id) is None
    left = rows_referring_to(episode_id)
    # Only the kept episode's own rows remain in the tables that hang off episodes.
    assert left == {"consent": 1, "notification": 1}
    assert db.session.scalars(select(Consent.episode_id)).all() == [kept.id]
    assert db.session.get(Child, world["child"].id) is not None
    assert not on_disk.exists()
    assert text_anywhere(WHAT_THEY_SAID) == []


def test_a_refusal_to_be_recorded_in_ecaf_also_keeps_nothing(client, world):
    """CWDC 2009, 4.17: "Informed consent is required to undertake the CAF and to record the
    CAF information either on paper forms or in an eCAF system." Agreeing to the assessment
    without agreeing to the record being kept is still a refusal to record: nothing stays."""
    episode, episode_id = world["episode"], world["episode"].id
    response = refuse(client, episode, refused="record")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "keep it in your own files" in page
    db.session.expire_all()
    assert db.session.get(Episode, episode_id) is None
    assert rows_referring_to(episode_id) == {}


@pytest.mark.parametrize("searcher", ["colleague", "outsider", "caf_contact", "assessor"])
def test_after_a_refusal_the_child_index_shows_no_trace_of_the_caf(
    client, other_client, world, searcher
):
    """CWDC 2009, 4.18 ("nothing can be stored") and DESIGN §3 ("the index shows no trace"):
    a practitioner of the same borough, of another borough, the borough CAF contact and the
    assessor who noted the refusal all find the child with no CAF and nobody working with
    her."""
    reference = world["episode"].reference
    assert refuse(client, world["episode"]).status_code == 200
    sign_in(other_client, world[searcher])
    page = search(other_client).get_data(as_text=True)
    (card,) = BeautifulSoup(page, "html.parser").select(".govuk-summary-card")
    text = card.get_text(" ")
    assert f"{CHILD_NAME[0]} {CHILD_NAME[1]}" in text
    assert "No CAF has been started." in text
    assert "Nobody recorded." in text
    for trace in (reference, world["assessor"].full_name, "Closed", "Open:"):
        assert trace not in text


def test_after_a_refusal_every_address_of_the_old_episode_answers_404(app, client, world):
    """CWDC 2009, 4.18: "nothing can be stored". Guessing the erased episode's pages, even as
    the practitioner who started it, finds nothing."""
    episode_id = world["episode"].id
    assert refuse(client, world["episode"]).status_code == 200
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/episodes/<int:episode_id>") and "GET" in rule.methods:
            path = rule.rule.replace("<int:episode_id>", str(episode_id))
            for argument in rule.arguments - {"episode_id"}:
                value = "1" if f"<int:{argument}>" in rule.rule else "assessment"
                path = path.replace(f"<int:{argument}>", value).replace(f"<{argument}>", value)
            paths.append(path)
    assert len(paths) > 15
    for path in paths:
        assert client.get(path).status_code == 404, path


def test_the_refusal_audit_event_says_only_who_when_and_which_borough(client, world):
    """CWDC 2009, 4.16: the refusal is noted "in their personal files", not in eCAF; the
    borough counts refusals from an audit event that names neither the child nor the episode
    and holds none of what was said. Earlier events of the episode stay in the append-only,
    hash-chained trail, which still verifies."""
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert refuse(client, world["episode"]).status_code == 200
    db.session.expire_all()
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == AUDIT_ACTION))
    assert event.actor_id == world["assessor"].id
    assert event.child_id is None and event.episode_id is None
    assert (event.object_type, event.object_id) == ("", "")
    detail = json.loads(event.detail)
    assert detail == {"borough": "riverside"}
    after = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert after > before
    verification = verify_chain(
        db.session, audit.audit_key(), Path(current_app.config["AUDIT_ANCHOR_PATH"])
    )
    assert verification.problems == []


def test_the_refusal_note_downloads_as_a_word_document_and_is_kept_nowhere(client, world):
    """CWDC 2009, 4.16: "the practitioner should make a note of this in their personal files
    for future reference." The note is built from what was typed, carried by the page, and
    never stored: its words are in no table, the audit trail's included."""
    page = refuse(client, world["episode"]).get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    note = soup.select_one("input[name='note']")["value"]
    assert WHAT_THEY_SAID in note

    response = client.post_form("/consent/refusal-note", {"note": note}, token_from="/")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype.endswith("wordprocessingml.document")
    document = docx.Document(io.BytesIO(response.get_data()))
    text = "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert WHAT_THEY_SAID in text
    assert f"{CHILD_NAME[0]} {CHILD_NAME[1]}" in text
    assert "Pat Refusenik, Mother, with parental responsibility" in text
    assert text_anywhere(WHAT_THEY_SAID) == []
    assert text_anywhere("Pat Refusenik") == []
    downloaded = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "consent.refusal_note_downloaded")
    ).one()
    assert downloaded.child_id is None and downloaded.episode_id is None


@pytest.mark.parametrize("note", ["not json", json.dumps({"child": "x"}), json.dumps([1, 2]), ""])
def test_a_forged_refusal_note_is_refused_not_a_500(client, world, note):
    """The download only ever writes back a note the page showed; anything else is a bad
    request."""
    response = client.post_form("/consent/refusal-note", {"note": note}, token_from="/")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"refused": ""}, "Select what they refused"),
        ({"refused": "everything"}, "Select an option from the list"),
        ({"given_by": ""}, "Select who is making this decision"),
        ({"given_by_name": ""}, "Enter the full name of the parent or carer"),
        (
            {"parental_responsibility": "no"},
            "Only a parent or carer with parental responsibility can make this decision",
        ),
        (
            {
                "given_by": "child",
                "sufficient_understanding": "no",
                "understanding_judgement": "Aged 6",
            },
            "A child without sufficient understanding cannot make this decision: record the "
            "decision of a parent or carer with parental responsibility",
        ),
        ({"method": ""}, "Select how the decision was given"),
        (
            {"given_on-day": "31", "given_on-month": "2"},
            "The date of the decision must be a real date",
        ),
        (
            {"given_on-year": str(date.today().year + 1)},
            "The date of the decision must be today or in the past",
        ),
        ({"comment": "x" * 2001}, "What they said must be 2000 characters or fewer"),
    ],
)
def test_a_refusal_needs_who_refused_what_and_when(client, world, overrides, message):
    """CWDC 2009, 4.13-4.15: the refusal of a child with sufficient understanding, or of one
    parent or carer with parental responsibility. Nothing is erased until the answers are
    right, and each wrong answer gets a GOV.UK message."""
    response = refuse(client, world["episode"], **overrides)
    assert response.status_code == 200
    assert message in errors(response)
    db.session.expire_all()
    assert db.session.get(Episode, world["episode"].id) is not None


def test_a_caf_the_family_agreed_to_record_is_never_erased(client, world):
    """CWDC 2009, 4.18 erases only what the family did not agree to record; once they have,
    a change of mind is a withdrawal (DESIGN §3: "Consent can be withdrawn at any time"),
    and the record stays."""
    episode = world["episode"]
    make_consent(episode, world["assessor"])
    db.session.commit()
    page = client.get(f"/episodes/{episode.id}/consent/refusal")
    assert page.status_code == 409
    assert "withdrawal of their consent" in page.get_data(as_text=True)
    assert refuse(client, episode).status_code == 409
    db.session.expire_all()
    assert db.session.get(Episode, episode.id) is not None


def test_a_caf_referred_to_social_care_is_never_erased_by_a_refusal(client, world):
    """CWDC 2009, 4.18: "this does not change the position on information sharing": a CAF that
    has left its first stage (a safeguarding referral) is kept."""
    episode = world["episode"]
    episode.state = "referred_to_social_care"
    db.session.commit()
    assert refuse(client, episode).status_code == 409
    db.session.expire_all()
    assert db.session.get(Episode, episode.id) is not None


@pytest.mark.parametrize(
    ("who", "status"),
    [("colleague", 404), ("outsider", 404), ("manager", 403), ("caf_contact", 403)],
)
def test_only_the_assessor_may_note_a_refusal(client, other_client, world, who, status):
    """CWDC 2009, 4.16: the practitioner undertaking the CAF notes the refusal; nobody else can
    erase their CAF."""
    sign_in(other_client, world[who])
    response = other_client.post_form(
        f"/episodes/{world['episode'].id}/consent/refusal", refusal_answers(), token_from="/"
    )
    assert response.status_code == status
    db.session.expire_all()
    assert db.session.get(Episode, world["episode"].id) is not None


def test_the_consent_form_cannot_store_a_refusal_or_a_consent_without_recording(client, world):
    """CWDC 2009, 4.17-4.18: until the family agree to the CAF being recorded, neither their
    refusal nor an agreement without recording is stored on the consent form."""
    episode = world["episode"]
    today = date.today()
    base = {
        "given_by": "parent_carer",
        "given_by_name": "Pat Refusenik",
        "relationship_to_child": "Mother",
        "parental_responsibility": "yes",
        "method": "written",
        "given_on-day": str(today.day),
        "given_on-month": str(today.month),
        "given_on-year": str(today.year),
        "points_explained": ["why", "what", "who", "purpose", "implications", "right_to_see"],
    }
    path = f"/episodes/{episode.id}/consent/new"
    refused = client.post_form(path, {**base, "decision": "refused"})
    assert (
        "Record the refusal on the refusal page instead: nothing of the CAF can be kept"
        in errors(refused)
    )
    assess_only = client.post_form(path, {**base, "decision": "given", "scope": ["to_assess"]})
    assert any("If they do not agree to it, record a refusal" in e for e in errors(assess_only))
    assert db.session.scalars(select(Consent)).all() == []


def test_the_episode_page_offers_the_refusal_and_the_old_step_leads_there(client, world):
    """CWDC 2009, 4.16: the practitioner notes a refusal in their own files; the episode page
    leads there instead of to a step that kept the refusal."""
    episode = world["episode"]
    page = client.get(f"/episodes/{episode.id}").get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one(f"a[href='/episodes/{episode.id}/consent/refusal']") is not None
    assert "Record that consent was refused" not in soup.get_text()
    old_step = client.get(f"/episodes/{episode.id}/steps/record_consent_refusal")
    assert old_step.status_code == 302
    assert old_step.headers["Location"].endswith(f"/episodes/{episode.id}/consent/refusal")


def test_the_subject_access_bundle_holds_nothing_of_an_erased_caf(client, other_client, world):
    """CWDC 2009, 4.18 ("nothing can be stored"): the child's subject access bundle, which
    lists from the audit trail who accessed the child's records, shows nothing of the erased
    CAF, although its events stay in the append-only trail."""
    reference = world["episode"].reference
    assert refuse(client, world["episode"]).status_code == 200
    sign_in(other_client, world["caf_contact"])
    response = other_client.post_form(
        f"/children/{world['child'].id}/subject-access", {"request_details": "Mother asked"}
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    everything = "\n".join(archive.read(name).decode() for name in archive.namelist())
    assert reference not in everything
    assert "Started a CAF episode" not in everything
    assert "Looked at the episode" not in everything
    assert WHAT_THEY_SAID not in everything
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "episode.opened")
        )
        == 1
    )


def test_cafs_kept_after_a_refusal_by_earlier_versions_are_erased_by_a_command(
    app, runner_cli, world
):
    """CWDC 2009, 4.18: "nothing can be stored". Episodes that earlier versions kept in the
    "consent refused" stage, with the refusal recorded, are erased by one command; one kept
    for a family who had agreed to recording is left alone."""
    refused, agreed = (
        world["episode"],
        Episode(
            reference="RIV-AGREED-1",
            child=db.session.get(Child, world["other_child"].id),
            borough_id=world["riverside"].id,
            state="consent_refused",
            workflow_id="caf",
            workflow_version=1,
            assessor=world["assessor"],
        ),
    )
    db.session.add(agreed)
    refused.state = "consent_refused"
    db.session.flush()
    make_consent(
        refused,
        world["assessor"],
        decision=ConsentDecision.REFUSED,
        to_assess=False,
        to_record=False,
        to_share=False,
    )
    make_consent(agreed, world["assessor"])
    db.session.commit()
    refused_id, agreed_id = refused.id, agreed.id

    counted = runner_cli.invoke(args=["caf", "consent", "erase-refused", "--dry-run"])
    assert "1 CAF(s) kept after a refusal would be erased." in counted.output
    erased = runner_cli.invoke(args=["caf", "consent", "erase-refused"])

    assert "1 CAF(s) kept after a refusal erased." in erased.output
    db.session.expire_all()
    assert db.session.get(Episode, refused_id) is None
    assert db.session.get(Episode, agreed_id) is not None
    assert db.session.scalars(select(Consent.episode_id)).all() == [agreed_id]
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == AUDIT_ACTION))
    assert (event.child_id, event.episode_id, event.actor_id) == (None, None, None)
