"""Section pages: add another without JavaScript, drafts, conflicts and bad input."""

from bs4 import BeautifulSoup

from tests.conftest import sign_in
from webapp import db
from webapp.assessments import services
from webapp.assessments.models import FormResponse, SectionAnswers


def soup_of(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def stored(pages):
    return db.session.get(FormResponse, pages.response.id).answers()


PARENT = {
    "parents_carers-0-parent_name": "Pat",
    "parents_carers-0-parent_relationship": "Mother",
    "parents_carers-0-parental_responsibility": "yes",
}


def test_add_another_adds_an_empty_item_keeping_what_was_typed(national):
    page = national.save(
        "parents_and_carers",
        {**PARENT, "parents_carers-items": "1", "_action": "add:parents_carers"},
    )
    soup = soup_of(page)
    assert page.status_code == 200
    assert soup.select_one("#parents_carers-0-parent_name")["value"] == "Pat"
    assert soup.select_one("#parents_carers-1-parent_name")["value"] == ""
    assert [legend.get_text(strip=True) for legend in soup.select("legend")][:1] == [
        "Parent or carer 1"
    ]
    assert not soup.select_one(".govuk-error-summary")


def test_remove_takes_out_that_item(national):
    data = {
        **PARENT,
        "parents_carers-items": "2",
        "parents_carers-1-parent_name": "Sam",
        "_action": "remove:parents_carers:0",
    }
    soup = soup_of(national.save("parents_and_carers", data))
    assert soup.select_one("#parents_carers-0-parent_name")["value"] == "Sam"
    assert soup.select_one("#parents_carers-1-parent_name") is None


def test_a_group_item_error_links_to_its_input(national):
    response = national.save(
        "parents_and_carers", {"parents_carers-items": "1", "parents_carers-0-parent_name": "Pat"}
    )
    links = [a["href"] for a in soup_of(response).select(".govuk-error-summary__list a")]
    assert links == [
        "#parents_carers-0-parent_relationship",
        "#parents_carers-0-parental_responsibility",
    ]


def test_blank_items_are_dropped_when_saved(national):
    national.save("parents_and_carers", {**PARENT, "parents_carers-items": "3"})
    assert [item["parent_name"] for item in stored(national)["parents_carers"]] == ["Pat"]


def test_save_as_draft_keeps_partial_answers_and_marks_the_section_in_progress(national):
    response = national.save(
        "assessment_information", {"people_present": "Ada", "_action": "draft"}
    )
    assert response.status_code == 302
    assert stored(national) == {"people_present": "Ada"}
    assert services.statuses(national.response)["assessment_information"] == "In progress"


def test_save_and_continue_with_missing_answers_keeps_what_was_valid(national):
    response = national.save("assessment_information", {"people_present": "Ada"})
    assert response.status_code == 200
    assert soup_of(response).title.get_text().startswith("Error: ")
    assert stored(national) == {"people_present": "Ada"}
    # The page now carries the new version, so saving again is not a conflict.
    assert soup_of(response).select_one("#section_version")["value"] == "1"


def test_a_stale_save_shows_both_versions_and_overwrites_nothing(national, other_client):
    page_version = national.version_of("comments")
    sign_in(other_client, national.world["assessor"])
    national.client, mine = other_client, national.client
    national.save("comments", {"child_comments": "Theirs"})
    national.client = mine

    conflict = national.save("comments", {"child_comments": "Mine"}, version=page_version)
    assert conflict.status_code == 409
    text = soup_of(conflict).get_text(" ", strip=True)
    assert "Someone else has changed this section" in text
    assert "Theirs" in text and "Mine" in text
    assert stored(national) == {"child_comments": "Theirs"}


def test_keeping_my_answers_after_a_conflict_saves_them(national):
    national.save("comments", {"child_comments": "Theirs"})
    conflict = soup_of(national.save("comments", {"child_comments": "Mine"}, version="0"))
    form = conflict.select_one("input[name=answers_json]").find_parent("form")
    data = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}
    data["_action"] = "continue"
    kept = national.client.post(
        form["action"], data=data, headers={"Referer": "https://localhost/"}
    )
    assert kept.status_code == 302
    assert stored(national) == {"child_comments": "Mine"}


def test_keeping_their_answers_leaves_them_in_place(national):
    national.save("comments", {"child_comments": "Theirs"})
    conflict = soup_of(national.save("comments", {"child_comments": "Mine"}, version="0"))
    keep_theirs = conflict.find("a", string="Keep their answers")
    page = national.client.get(keep_theirs["href"])
    assert soup_of(page).select_one("#child_comments").get_text() == "Theirs"
    assert stored(national) == {"child_comments": "Theirs"}


def test_html_in_answers_is_stored_as_text_and_escaped_on_every_page(national):
    script = '<script>alert("x")</script><b>bold</b>'
    national.save("comments", {"child_comments": script})
    assert stored(national)["child_comments"] == script
    for path in (national.section("comments"), f"{national.base}/check"):
        html = national.client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<b>bold</b>" not in html
        assert "&lt;script&gt;" in html
    conflict = national.save("comments", {"child_comments": script + "2"}, version="0")
    assert "<script>alert" not in conflict.get_data(as_text=True)


def test_a_tampered_version_is_refused_as_bad_input(national):
    response = national.save("comments", {"child_comments": "x"}, version="'; DROP TABLE")
    assert response.status_code == 400
    assert stored(national) == {}


def test_tampered_conflict_answers_are_refused_or_checked(national):
    for bad in ("not json", "[1, 2]", "[" * 100000):
        response = national.save("comments", {"answers_json": bad})
        assert response.status_code == 400
    response = national.save("comments", {"answers_json": '{"child_comments": {"a": 1}}'})
    assert response.status_code == 200
    assert "Child's comments must be text" in soup_of(response).get_text()


def test_tampered_group_counts_and_actions_do_not_break_the_page(national):
    for data in (
        {"parents_carers-items": "99999999"},
        {"parents_carers-items": "-1"},
        {"_action": "remove:parents_carers:abc"},
        {"_action": "add:nope"},
        {"parents_carers-5000-parent_name": "x"},
    ):
        response = national.save("parents_and_carers", data)
        assert response.status_code in (200, 302), data


def test_an_unknown_section_is_not_found(national):
    assert national.client.get(national.section("no_such_section")).status_code == 404
    response = national.client.post_form(
        national.section("no_such_section"), {}, token_from=national.section("comments")
    )
    assert response.status_code == 404


def test_a_response_of_another_episode_is_not_found(national):
    other = f"/episodes/{national.world['episode'].id + 1}/forms/{national.response.id}"
    assert national.client.get(other).status_code == 404


def test_wrong_methods_are_refused_without_an_error_page(national):
    assert national.client.delete(national.section("comments")).status_code == 405
    assert (
        national.client.get(f"/episodes/{national.world['episode'].id}/forms/start/tac").status_code
        == 405
    )


def test_a_post_without_the_csrf_token_is_refused(national):
    response = national.client.post(
        national.section("comments"),
        data={"child_comments": "x"},
        headers={"Referer": "https://localhost/"},
    )
    assert response.status_code == 400
    assert db.session.query(SectionAnswers).count() == 0
