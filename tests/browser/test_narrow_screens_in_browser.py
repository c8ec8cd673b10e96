"""A real browser at a phone's widths (390 and 320 px): the home worklists, the
information-sharing register and the team around the child stack their tables, so that no
page scrolls sideways, and each value keeps its column's name. axe-core finds nothing."""

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.browser.signing_in import no_sideways_scroll, sign_in
from tests.factories import (
    make_borough,
    make_child,
    make_consent,
    make_episode,
    make_organisation,
    make_user,
)
from webapp import db
from webapp.boroughs.models import Sector
from webapp.sharing.models import PublicInterestGround, SharingBasis, SharingDecision
from webapp.tac.models import MemberKind, MemberStatus, TacMember

LONG_EMAIL = "family-support-worker.children-and-families@riverside-childrens-centre.example"


@pytest.fixture
def world(live_app):
    with live_app.app_context():
        riverside = make_borough("riverside", name="London Borough of Riverside")
        school = make_organisation(riverside, Sector.SCHOOL, name="Riverside Primary School")
        centre = make_organisation(
            riverside, Sector.EARLY_YEARS, name="Riverside Children's Centre and Family Hub"
        )
        assessor = make_user(school, email="alex@riverside.example")
        worker = make_user(centre, email=LONG_EMAIL)
        episodes = [
            make_episode(
                make_child(riverside, given_names="Maximilian-Alexander", family_name=name),
                assessor,
                state="delivering",
                lead_professional=assessor,
            )
            for name in ("Featherstonehaugh-Montgomery", "Worthington-Smythe")
        ]
        episode = episodes[0]
        consent = make_consent(episode, assessor)
        db.session.add_all(
            [
                TacMember(
                    episode_id=episode.id,
                    kind=MemberKind.PRACTITIONER,
                    status=MemberStatus.ACTIVE,
                    user_id=worker.id,
                    name=worker.full_name,
                    role="Family support worker",
                    organisation_id=centre.id,
                    email=LONG_EMAIL,
                    invited_by_id=assessor.id,
                ),
                TacMember(
                    episode_id=episode.id,
                    kind=MemberKind.PARENT_CARER,
                    status=MemberStatus.ACTIVE,
                    name="Patricia Featherstonehaugh-Montgomery",
                    role="Mother",
                    email="patricia.featherstonehaugh-montgomery@example.org",
                    phone="07700 900123",
                    invited_by_id=assessor.id,
                ),
                SharingDecision(
                    episode_id=episode.id,
                    decided_by_id=assessor.id,
                    basis=SharingBasis.CONSENT,
                    what="The assessment and the delivery plan, with the actions agreed",
                    organisation_id=centre.id,
                    consent_id=consent.id,
                ),
                SharingDecision(
                    episode_id=episode.id,
                    decided_by_id=assessor.id,
                    basis=SharingBasis.PUBLIC_INTEREST,
                    ground=PublicInterestGround.SIGNIFICANT_HARM_TO_CHILD,
                    what="The child's address and the concern about the child's safety",
                    recipient_name="Riverside Multi-Agency Safeguarding Hub duty team",
                    reasons="Bruising seen on the child's arms on two consecutive days.",
                    necessity="Only the safeguarding team can act on this today.",
                    family_told=False,
                    family_not_told_reason="Telling them could put the child at risk.",
                    advice_taken=True,
                    advice_from="The school's designated safeguarding lead",
                ),
            ]
        )
        db.session.commit()
        return {"assessor": assessor.email, "episode": episode.id}


@pytest.mark.parametrize("width", [390, 320])
def test_the_worklist_the_register_and_the_team_fit_a_phone(
    page, live_server, world, width, artifacts
):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, world["assessor"])
    episode = f"{live_server}/episodes/{world['episode']}"
    pages = {
        "home": (f"{live_server}/", "[data-worklist] table", "Child"),
        "episode": (episode, ".ecaf-sharing-register", "With whom"),
        "register": (f"{episode}/sharing", ".ecaf-sharing-register", "Basis"),
        "team": (f"{episode}/tac", "table", "Contact"),
    }
    for name, (url, table, label) in pages.items():
        page.goto(url)
        assert no_sideways_scroll(page), (
            name,
            width,
            page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"),
        )
        # Each value keeps the name of its column, shown before it.
        cell = page.locator(f"{table} td[data-label='{label}']").first
        before = cell.evaluate("c => getComputedStyle(c, '::before').content")
        assert before == f'"{label}"', (name, before)
        assert_no_axe_violations(page, f"{name} at {width}px")
        page.screenshot(path=str(artifacts / f"narrow-{name}-{width}.png"), full_page=True)


def test_at_desktop_width_the_tables_stay_tables(page, live_server, world):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, world["assessor"])
    page.goto(f"{live_server}/episodes/{world['episode']}/tac")
    assert page.locator("table thead").is_visible()
    cell = page.locator("table td[data-label='Contact']").first
    assert cell.evaluate("c => getComputedStyle(c).display") == "table-cell"
    assert cell.evaluate("c => getComputedStyle(c, '::before').content") == "none"
