from tests.conftest import sign_in
from tests.factories import make_borough, make_organisation, make_user


def test_signed_in_user_sees_their_work(client):
    user = make_user(make_organisation(make_borough("riverside")))
    from webapp import db

    db.session.commit()
    sign_in(client, user)
    page = client.get("/").get_data(as_text=True)
    assert "Your work" in page
