"""The team around the child's pages through HTTP: a summary with one page per task, the
lead professional shown as saved, who acts in eCAF for a parent who leads, and an invitee's
notification that opens the invitation they can answer."""

from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.conftest import sign_in
from tests.tac import test_team_around_the_child as team
from tests.tac.test_team_around_the_child import accept, add_parent, invite, member_for
from webapp import db
from webapp.episodes.models import Episode
from webapp.tac.models import TacMember

world = team.world  # the same people and episode as the team's other tests


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def join(client, episode):
    client.post_form(f"/episodes/{episode.id}/tac/join", token_from=f"/episodes/{episode.id}/tac")


def coordinate(client, world):
    """The assessor joins the team and makes themselves its episode coordinator."""
    sign_in(client, world["assessor"])
    join(client, world["episode"])
    client.post_form(
        f"/episodes/{world['episode'].id}/tac/coordinator",
        {"coordinator-member_id": member_for(world["assessor"]).id},
    )


def test_the_team_page_is_a_summary_with_a_page_per_task(client, world):
    episode = world["episode"]
    sign_in(client, world["assessor"])
    summary = soup(client.get(f"/episodes/{episode.id}/tac"))
    assert summary.select("main form input[name='invite-email']") == []
    assert summary.select("main select") == []
    tasks = {link.get_text(strip=True): link["href"] for link in summary.select("#team-tasks a")}
    assert tasks == {
        "Invite a practitioner": f"/episodes/{episode.id}/tac/invite",
        "Add the child, a parent, a carer or someone else": f"/episodes/{episode.id}/tac/family",
        "Nominate the lead professional": f"/episodes/{episode.id}/tac/lead",
        "Choose the episode coordinator": f"/episodes/{episode.id}/tac/coordinator",
    }
    assert summary.find("button", string="Record a TAC meeting") is not None
    for path, field in (
        ("invite", "invite-email"),
        ("family", "family-name"),
        ("lead", "lead-member_id"),
        ("coordinator", "coordinator-member_id"),
    ):
        task = soup(client.get(f"/episodes/{episode.id}/tac/{path}"))
        assert len(task.select("main form[method=post]")) == 1, path
        assert task.select_one(f"[name='{field}']") is not None, path
        assert task.select_one("a.govuk-back-link")["href"] == f"/episodes/{episode.id}/tac"


def test_recording_a_meeting_starts_from_the_team_page(client, world):
    episode = world["episode"]
    sign_in(client, world["assessor"])
    started = client.post_form(
        f"/episodes/{episode.id}/forms/start/tac", token_from=f"/episodes/{episode.id}/tac"
    )
    assert started.status_code == 302
    summary = soup(client.get(f"/episodes/{episode.id}/tac"))
    assert summary.find("button", string="Record a TAC meeting") is None
    continuing = summary.find("a", string="Continue the TAC meeting record")
    assert continuing["href"] == started.headers["Location"]


def test_a_bad_invitation_is_answered_on_the_invite_page_with_an_error(client, world):
    episode = world["episode"]
    sign_in(client, world["assessor"])
    response = client.post_form(
        f"/episodes/{episode.id}/tac/invite", {"invite-email": "not an address"}
    )
    shown = soup(response)
    assert shown.title.get_text().startswith("Error: ")
    assert shown.h1.get_text(strip=True) == "Invite a practitioner to the team"
    assert shown.select_one(".govuk-error-summary") is not None


def test_the_saved_lead_professional_is_shown_as_chosen(client, world):
    episode = world["episode"]
    sign_in(client, world["assessor"])
    join(client, episode)
    saved = client.post_form(
        f"/episodes/{episode.id}/tac/lead", {"lead-member_id": member_for(world["assessor"]).id}
    )
    assert saved.headers["Location"] == f"/episodes/{episode.id}/tac"
    summary = soup(client.get(f"/episodes/{episode.id}/tac"))
    assert summary.select_one("#lead-professional-summary").get_text(strip=True) == (
        world["assessor"].full_name
    )
    assert summary.find("a", string="Change the lead professional") is not None
    lead_page = soup(client.get(f"/episodes/{episode.id}/tac/lead"))
    chosen = lead_page.select_one("select[name='lead-member_id'] option[selected]")
    assert chosen is not None and chosen["value"] == str(member_for(world["assessor"]).id)


def test_the_saved_coordinator_is_shown_as_chosen(client, world):
    episode = world["episode"]
    coordinate(client, world)
    page = soup(client.get(f"/episodes/{episode.id}/tac/coordinator"))
    chosen = page.select_one("select[name='coordinator-member_id'] option[selected]")
    assert chosen["value"] == str(member_for(world["assessor"]).id)
    summary = soup(client.get(f"/episodes/{episode.id}/tac"))
    assert summary.select_one("#coordinator-summary").get_text(strip=True) == (
        world["assessor"].full_name
    )


def test_a_parent_without_anyone_to_act_for_them_needs_a_practitioner_named(client, world):
    episode = world["episode"]
    sign_in(client, world["assessor"])
    add_parent(client, episode)
    lead_page = soup(client.get(f"/episodes/{episode.id}/tac/lead"))
    assert "Nobody in the team has an eCAF account to act for" in (
        lead_page.select_one("#nobody-to-act").get_text()
    )
    parent = db.session.scalars(select(TacMember).where(TacMember.name == "Pat Example")).one()
    refused = soup(
        client.post_form(f"/episodes/{episode.id}/tac/lead", {"lead-member_id": parent.id})
    )
    assert "select the practitioner in the team who will take the lead professional's steps" in (
        refused.select_one(".govuk-error-summary").get_text()
    )
    db.session.expire_all()
    assert db.session.get(Episode, episode.id).lead_member_id is None

    join(client, episode)
    lead_page = soup(client.get(f"/episodes/{episode.id}/tac/lead"))
    assert "There is no episode coordinator" in lead_page.select_one("#who-acts").get_text()
    assert "Not yet nominated" not in lead_page.get_text()
    client.post_form(
        f"/episodes/{episode.id}/tac/lead",
        {
            "lead-member_id": parent.id,
            "lead-acting_member_id": member_for(world["assessor"]).id,
        },
    )
    summary = soup(client.get(f"/episodes/{episode.id}/tac"))
    assert summary.select_one("#lead-professional-summary").get_text(strip=True) == (
        f"Pat Example (mother) is the lead professional; {world['assessor'].full_name} takes "
        "their steps in eCAF."
    )
    lead_page = soup(client.get(f"/episodes/{episode.id}/tac/lead"))
    acting = lead_page.select_one("select[name='lead-acting_member_id'] option[selected]")
    assert acting["value"] == str(member_for(world["assessor"]).id)


def test_the_lead_page_names_the_coordinator_who_acts_for_a_parent_by_default(client, world):
    episode = world["episode"]
    coordinate(client, world)
    lead_page = soup(client.get(f"/episodes/{episode.id}/tac/lead"))
    assert f"{world['assessor'].full_name} (the episode coordinator) will act for them" in (
        lead_page.select_one("#who-acts").get_text()
    )


def test_a_parent_lead_nobody_acts_for_is_said_plainly(client, world):
    episode = world["episode"]
    sign_in(client, world["assessor"])
    add_parent(client, episode)
    parent = db.session.scalars(select(TacMember).where(TacMember.name == "Pat Example")).one()
    episode.lead_member_id = parent.id
    db.session.commit()
    said = soup(client.get(f"/episodes/{episode.id}")).get_text()
    assert "nobody takes their steps in eCAF yet" in said
    assert "Not yet nominated" not in said


def test_an_invitees_notification_opens_the_invitation(client, other_client, world):
    episode = world["episode"]
    sign_in(client, world["assessor"])
    invite(client, episode, "nurse@riverside.example")
    sign_in(other_client, world["nurse"])
    home = soup(other_client.get("/"))
    link = home.find("a", string="Answer the invitation")
    member = member_for(world["nurse"])
    assert link["href"] == f"/tac/invitations/{member.id}"
    assert other_client.get(link["href"]).status_code == 200
    assert home.find("a", href=f"/episodes/{episode.id}") is None

    accept(other_client, member)
    home = soup(other_client.get("/"))
    assert home.find("a", string="Answer the invitation") is None
    assert home.find("a", href=f"/episodes/{episode.id}") is not None


def test_someone_else_cannot_open_an_invitation_from_its_link(client, other_client, world):
    episode = world["episode"]
    sign_in(client, world["assessor"])
    invite(client, episode, "nurse@riverside.example")
    sign_in(other_client, world["youth_worker"])
    assert other_client.get(f"/tac/invitations/{member_for(world['nurse']).id}").status_code == 404


def test_task_pages_are_refused_to_whoever_may_not_manage_the_team(other_client, world):
    episode = world["episode"]
    sign_in(other_client, world["nurse"])
    for path in ("invite", "family", "lead", "coordinator"):
        assert other_client.get(f"/episodes/{episode.id}/tac/{path}").status_code in (403, 404)


def test_a_handovers_notification_opens_the_handover(client, other_client, world):
    episode = world["episode"]
    sign_in(client, world["assessor"])
    join(client, episode)
    invite(client, episode, "nurse@riverside.example")
    sign_in(other_client, world["nurse"])
    accept(other_client, member_for(world["nurse"]))
    client.post_form(
        f"/episodes/{episode.id}/tac/lead", {"lead-member_id": member_for(world["assessor"]).id}
    )
    client.post_form(
        f"/episodes/{episode.id}/tac/lead",
        {"lead-member_id": member_for(world["nurse"]).id, "lead-note": "Mum prefers calls"},
    )
    link = soup(other_client.get("/")).find("a", string="Answer the handover")
    assert link is not None
    assert "Mum prefers calls" in other_client.get(link["href"]).get_data(as_text=True)
    other_client.post_form(link["href"], {"decision": "accept"})
    assert soup(other_client.get("/")).find("a", string="Answer the handover") is None
