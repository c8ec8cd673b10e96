"""Subject access through HTTP: the borough CAF contact of the child's borough downloads
everything held about the child; confidential notes are listed for review, never their text;
a shielded record's address and contacts are withheld; anyone else gets 404, audited."""

import io
import json
import zipfile

import pytest

from tests.conftest import sign_in
from tests.sharing.world import audit_events, build_world, error_messages
from webapp import db
from webapp.assessments.models import FormResponse, SectionAnswers
from webapp.episodes.models import EpisodeTransition, Notification
from webapp.notes import services as notes
from webapp.sharing import services as sharing
from webapp.subject_access import bundle

SECRET = "Dad has a conviction he has not told the school about."
REQUEST = "The young person, by letter of 3 March 2026; identity checked at school."


def give_the_child_a_history(world, client) -> None:
    """A step, a notification, a register entry, a form, a note, and a look at the episode."""
    db.session.add(
        EpisodeTransition(
            episode_id=world.episode.id,
            actor_id=world.assessor.id,
            trigger="complete_assessment",
            title="Complete the assessment",
            from_state="assessing",
            to_state="assessed",
            comment="Assessment done with mum",
            workflow_id="caf",
            workflow_version=1,
        )
    )
    db.session.add(
        Notification(
            user_id=world.lead_professional.id,
            episode_id=world.episode.id,
            kind="lead_professional",
            message="You are now the lead professional",
        )
    )
    sharing.share(
        db.session,
        world.episode,
        world.assessor,
        what="The delivery plan",
        organisation_id=world.health.id,
    )
    response = FormResponse(
        episode_id=world.episode.id,
        form_id="caf_assessment",
        form_version=1,
        created_by_id=world.assessor.id,
    )
    response.sections = [
        SectionAnswers(
            section_id="identifying_details",
            answers_json=json.dumps(
                {"address": "1 Hidden Lane", "family_structure": "Lives with mum and gran"}
            ),
            updated_by_id=world.assessor.id,
        )
    ]
    db.session.add(response)
    notes.add(db.session, world.episode, world.assessor, SECRET)
    db.session.commit()
    sign_in(client, world.assessor)
    assert client.get(f"/episodes/{world.episode.id}").status_code == 200


def produce(client, world, request_details=REQUEST):
    path = f"/children/{world.child.id}/subject-access"
    return client.post_form(path, {"request_details": request_details})


def unzip(response) -> dict[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    return {name: archive.read(name).decode() for name in archive.namelist()}


@pytest.fixture
def world(app):
    return build_world()


def test_the_borough_caf_contact_downloads_everything_held_about_the_child(app, client, world):
    give_the_child_a_history(world, app.test_client())
    sign_in(client, world.caf_contact)
    assert client.get(f"/children/{world.child.id}/subject-access").status_code == 200

    response = produce(client, world)

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    files = unzip(response)
    assert {"README.txt", "bundle.json", "01-child.html"} <= set(files)
    bundle = json.loads(files["bundle.json"])
    assert bundle["child"][0]["family_name"] == world.child.family_name
    (episode,) = bundle["episodes"]
    assert episode["reference"] == world.episode.reference
    assert episode["history"][0]["comment"] == "Assessment done with mum"
    assert bundle["consents"][0]["shared_with"] == [
        "Riverside Health Visiting",
        "Young carers project",
    ]
    assert bundle["sharing_register"][0]["what"] == "The delivery plan"
    assert bundle["notifications"][0]["message"] == "You are now the lead professional"
    (form,) = bundle["form_responses"]
    answers = form["form_response_section"][0]["answers"]
    assert answers["family_structure"] == "Lives with mum and gran"
    assert form["created_by"] == f"{world.assessor.full_name}, Riverside Primary"
    looked = [
        entry
        for entry in bundle["access_log"]
        if entry["what"] == "Looked at the episode" and entry["who"] == world.assessor.full_name
    ]
    assert looked
    assert bundle["produced"]["request"] == REQUEST
    every_file = "\n".join(files.values())
    assert "Lives with mum and gran" in files["04-form-responses.html"]
    assert SECRET not in every_file


def test_confidential_notes_are_listed_for_review_but_their_text_is_not_included(
    app, client, world
):
    give_the_child_a_history(world, app.test_client())
    sign_in(client, world.caf_contact)
    files = unzip(produce(client, world))
    (listed,) = [
        item for item in json.loads(files["bundle.json"])["for_review"] if "written_by" in item
    ]
    assert listed["item"] == "Confidential note"
    assert listed["written_by"] == f"{world.assessor.full_name}, Riverside Primary"
    review_page = [text for name, text in files.items() if name.endswith("for-review.html")][0]
    assert "Do not disclose this part as it stands" in review_page
    assert world.assessor.full_name in review_page
    assert SECRET not in "\n".join(files.values())


def test_a_shielded_childs_address_and_contacts_are_in_no_file_of_the_bundle(app, client):
    world = build_world(shielded=True, address_line_1="12 Safe Street", postcode="SE5 7RR")
    give_the_child_a_history(world, app.test_client())
    sign_in(client, world.caf_contact)
    files = unzip(produce(client, world))
    every_file = "\n".join(files.values())
    for hidden in ("12 Safe Street", "SE5 7RR", "1 Hidden Lane"):
        assert hidden not in every_file
    bundle = json.loads(files["bundle.json"])
    assert bundle["child"][0]["address"].startswith("Withheld")
    assert any(item["item"] == "Shielded record" for item in bundle["for_review"])


def test_producing_a_bundle_is_audited_with_the_request(client, world):
    sign_in(client, world.caf_contact)
    produce(client, world)
    (event,) = audit_events("subject_access.produced", world.caf_contact)
    assert event.child_id == world.child.id
    assert json.loads(event.detail)["request"] == REQUEST


def test_a_bundle_needs_to_say_who_asked(client, world):
    sign_in(client, world.caf_contact)
    response = produce(client, world, request_details="")
    assert response.status_code == 200
    assert error_messages(response) == ["Enter who asked for the information, and when"]
    assert audit_events("subject_access.produced") == []


def test_the_access_log_shows_who_found_the_child_in_the_child_index(app, client, world):
    searcher = app.test_client()
    sign_in(searcher, world.colleague)
    found = searcher.post_form(
        "/child-index",
        {"reason": "concern", "family_name": world.child.family_name, "given_name": "Ada"},
    )
    assert world.child.family_name in found.get_data(as_text=True)
    sign_in(client, world.caf_contact)
    bundle = json.loads(unzip(produce(client, world))["bundle.json"])
    assert {(entry["who"], entry["what"]) for entry in bundle["access_log"]} >= {
        (world.colleague.full_name, "Found the child in a child index search")
    }


@pytest.mark.parametrize(
    "person",
    [
        "assessor",
        "lead_professional",
        "manager",
        "northgate_contact",
        "borough_admin",
        "system_admin",
    ],
)
def test_nobody_else_can_see_or_produce_a_bundle_and_the_attempt_is_audited(client, world, person):
    sign_in(client, world.person(person))
    path = f"/children/{world.child.id}/subject-access"
    assert client.get(path).status_code == 404
    response = client.post_form(path, {"request_details": REQUEST}, token_from="/")
    assert response.status_code == 404
    assert response.mimetype != "application/zip"
    assert audit_events("subject_access.produced") == []
    refused = audit_events("subject_access.refused", world.person(person))
    assert [event.child_id for event in refused] == [world.child.id, world.child.id]


def test_a_guessed_child_id_answers_404_and_is_audited(client, world):
    sign_in(client, world.caf_contact)
    assert client.get("/children/999999/subject-access").status_code == 404
    (event,) = audit_events("subject_access.refused", world.caf_contact)
    assert (event.object_id, event.child_id) == ("999999", None)


def test_a_part_whose_models_do_not_exist_yet_is_left_out(client, world, monkeypatch):
    monkeypatch.setattr(
        bundle, "LINKED_MODULES", (("webapp.not_written_yet", "plans", "Plans", "Plans."),)
    )
    sign_in(client, world.caf_contact)
    data = json.loads(unzip(produce(client, world))["bundle.json"])
    assert "plans" not in data
    assert "form_responses" not in data
    assert data["consents"]
