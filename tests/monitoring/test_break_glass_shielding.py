"""Urgent access never shows a shielded family's address and contacts (DESIGN §3): only the
borough CAF contact of the child's borough sees them, and a practitioner holding urgent
access to the child's CAF reads its forms with them withheld, as everyone else on it does."""

from __future__ import annotations

from html import unescape

from tests.assessments.answers import CAF_ASSESSMENT
from tests.assessments.helpers import make_world
from tests.conftest import sign_in
from tests.factories import make_organisation, make_user
from webapp import db
from webapp.assessments import services
from webapp.children.models import Child

ADDRESS = "4 Refuge Gardens, Safe Town"
PHONE = "020 7946 0123"
SECRETS = ("Refuge Gardens", "ZZ9 9Z", "7946 0123")
WITHHELD = "Withheld: this record is shielded"


def test_urgent_access_to_a_shielded_childs_caf_withholds_the_address_and_contacts(app, client):
    world = make_world("eastmoor")
    episode, assessor = world["episode"], world["assessor"]
    response = services.start_response(db.session, episode, "assessment", assessor)
    services.save_section(
        db.session,
        response,
        "identifying_details",
        dict(
            CAF_ASSESSMENT["identifying_details"],
            address=ADDRESS,
            postcode="ZZ9 9ZZ",
            contact_telephone=PHONE,
        ),
        expected_version=0,
        complete=False,
        actor=world["assessor"],
    )
    child = db.session.get(Child, world["child"].id)
    child.shielded = True
    child.address_line_1, child.postcode = "4 Refuge Gardens", "ZZ9 9ZZ"
    nurse = make_user(make_organisation(world["borough"], name="Eastmoor Health"))
    db.session.commit()
    sign_in(client, nurse)
    found = client.post_form(
        "/child-index",
        {"reason": "concern", "family_name": child.family_name, "given_name": child.given_names},
    )
    assert child.family_name in found.get_data(as_text=True)
    taken = client.post_form(
        f"/children/{child.id}/urgent-access",
        {"reason": "Child disclosed harm at the clinic; need the lead professional now"},
        token_from="/",
    )
    assert taken.status_code == 302

    base = f"/episodes/{world['episode'].id}/forms/{response.id}"
    for path in (f"/episodes/{world['episode'].id}", base, f"{base}/check"):
        page = client.get(path)
        assert page.status_code == 200, path
        html = unescape(page.get_data(as_text=True))
        for secret in SECRETS:
            assert secret not in html, (secret, path)
    assert WITHHELD in unescape(client.get(base).get_data(as_text=True))
    # Nor may they change the answers to see them echoed back.
    assert client.get(f"{base}/sections/identifying_details").status_code in (403, 404)
