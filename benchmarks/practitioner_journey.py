"""One CAF from the child index to the manager's closure approval, in Chromium, as a
practitioner takes it: how many pages, fields typed, clicks and submits it costs.

    .venv/bin/python benchmarks/practitioner_journey.py

It builds a throw-away SQLite database with the demo data, starts eCAF under gunicorn on
127.0.0.1 and drives Debian's Chromium (Playwright, /usr/bin/chromium) at 1280 px:

- the demo practitioner of Riverside signs in (password, then the authenticator code),
  searches the child index for a demo child with no CAF, starts a CAF, then follows the
  episode page's green next-step button until only a manager can act: consent, the
  assessment (from the task list's first section, each "Save and continue" opening the
  next, then check your answers and completion), the team around the child (joining it and
  becoming lead professional), delivery, a review that agrees to close, then the closure
  form, whose check your answers page submits it with the closure request;
- whoever the episode page says the CAF is waiting for (Riverside's borough CAF contact
  for the quality check, the manager for the closure approval) signs in, in a browser of
  their own, and takes their step.

It counts the pages visited (main-frame navigations), the fields it had to fill that were
not already pre-filled (typed into, chosen or ticked), the fields it found pre-filled and
kept, and the clicks and submits; runs axe-core on every page it arrives at, at 1280 px and
again at 390 px (the same page, its window narrowed); and at the end opens every page
visited again at 320 px and checks for sideways scrolling
(document.scrollingElement.scrollWidth > clientWidth).

Results go to benchmarks/results/practitioner_journey.json and its section of
benchmarks/README.md, against the goals of issue 18 and the figures measured by hand before.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.readme_sections import replace_section  # noqa: E402
from benchmarks.server_pages import Server, prepare_database  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from tests.episodes.journey import (  # noqa: E402
    CLOSURE,
    REVIEW,
    RIVERSIDE_ASSESSMENT,
    consent_form,
    date_parts,
)

RESULTS = ROOT / "benchmarks" / "results" / "practitioner_journey.json"
README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- practitioner_journey:start -->", "<!-- practitioner_journey:end -->"
PRACTITIONER = "practitioner@riverside.example"
# Who else acts on the CAF, by how the episode page names them when it waits for them.
PEOPLE = {
    "practitioner": PRACTITIONER,
    "caf contact": "caf-contact@riverside.example",
    "manager": "manager@riverside.example",
}
HANDOVERS = 8
CLOSED = "Stage: Closed"
SAVE = re.compile("^(Save and continue|Continue|Save)", re.I)  # a form section's button
GOALS = {"pages": 70, "fields_typed": 120, "axe_violations": 0, "sideways_at_320": 0}
BEFORE = {"pages": 112, "fields_typed": 220, "clicks_and_submits": 110}
# This script's first run on main (2026-12-04T07:06), before the pages were cut.
FIRST_RUN = {
    "pages": "91 (practitioner 79, CAF contact 6, manager 6)",
    "fields_typed": 96,
    "fields_prefilled_kept": 28,
    "clicks_and_submits": "81 (40 clicks, 41 submits)",
    "axe_1280": "0 in 91 pages",
    "axe_390": "not run",
    "sideways_at_320": "0 of 46 pages",
}
MAX_STEPS = 40  # next-step buttons followed before the script gives up
MAX_SECTIONS = 40  # section pages of one form before the script gives up
WIDE, NARROW = 1280, 390  # the widths axe-core judges every page at

NEXT_MONTH = date.today() + timedelta(days=30)

# What the people answer: the answers the HTTP journey tests give (tests/episodes/journey.py).
# An answer already in its field is kept, as a person keeps what the service filled in.
ASSESSMENT = RIVERSIDE_ASSESSMENT
CONSENT = consent_form()  # the agency is ticked by its name (tick_agency)

# The first delivery plan and review form is the plan, agreed from the assessment's actions.
PLAN = {
    "review_details": REVIEW["review_details"],
    "plan": {**REVIEW["plan"], "plan_actions-0-plan_action_status": "in_progress"},
    "needs": {"needs_met": "none"},
    "next_steps": {"review_outcome": "continue", **date_parts("next_review_date", NEXT_MONTH)},
}


class Stuck(RuntimeError):
    """The journey cannot go on by itself from the page it is on."""


class Journey:
    """One browser tab, counting what the person does in it."""

    def __init__(self, page, base: str):
        from axe_playwright_python.sync_playwright import Axe

        self.page, self.base, self.axe = page, base, Axe()
        self.pages: list[str] = []
        self.visits: list[tuple[str, str]] = []
        self.who = "practitioner"
        self.step = "signing in"
        self.by_person: dict[str, int] = {}
        self.by_step: dict[str, int] = {}
        self.counts = {"fields_typed": 0, "fields_prefilled_kept": 0, "clicks": 0, "submits": 0}
        self.violations: list[dict] = []
        self.use(page, "practitioner")

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.pages.append(frame.url.removeprefix(self.base))
            self.visits.append((self.who, self.pages[-1]))
            self.by_person[self.who] = self.by_person.get(self.who, 0) + 1
            step = f"{self.who}: {self.step}"
            self.by_step[step] = self.by_step.get(step, 0) + 1

    def use(self, page, who: str) -> None:
        """Go on in another person's browser."""
        if getattr(page, "_counted", False) is False:
            page.on("framenavigated", self._navigated)
            page._counted = True
        self.page, self.who = page, who

    def arrived(self) -> None:
        """Wait for the page, then let axe-core judge it at 1280 px and at 390 px."""
        self.page.wait_for_load_state("load")
        self.page.locator("main").first.wait_for(state="attached")
        height = self.page.viewport_size["height"]
        for width in (WIDE, NARROW):
            self.page.set_viewport_size({"width": width, "height": height})
            results = self.axe.run(self.page)
            for violation in results.response["violations"]:
                self.violations.append(
                    {
                        "page": self.page.url.removeprefix(self.base),
                        "width": width,
                        "rule": violation["id"],
                        "impact": violation["impact"],
                        "nodes": len(violation["nodes"]),
                    }
                )
        self.page.set_viewport_size({"width": WIDE, "height": height})

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.arrived()

    def click(self, locator, submit: bool = False) -> None:
        """A click that leads to another page (a link, or a form's button)."""
        self.counts["submits" if submit else "clicks"] += 1
        with self.page.expect_navigation():
            locator.first.click()
        self.arrived()

    def submit(self, name: str | None = None) -> None:
        main = self.page.locator("main")
        if name:
            button = main.get_by_role("button", name=name)
        else:
            button = main.locator("form button.govuk-button:visible, form input.govuk-button")
        self.click(button, submit=True)
        errors = self.page.locator(".govuk-error-summary")
        if errors.count():
            raise Stuck(f"{self.page.url}: {errors.first.inner_text()[:600]}")

    def fill(self, data: dict) -> None:
        """Answer what `data` asks on this page, keeping whatever is already filled in."""
        page = self.page
        for group, count in (
            (key.removesuffix("-items"), int(value))
            for key, value in data.items()
            if key.endswith("-items")
        ):
            for index in range(count):
                if page.locator(f"[name^='{group}-{index}-']").count() == 0:
                    self.click(page.locator(f"button[value='add:{group}']"))
        for name, value in self.every_row(data).items():
            if name.endswith("-items"):
                continue
            field = page.locator(f"[name='{name}']")
            if field.count() == 0 or value in ("", []):
                continue  # not asked on this page, or left blank
            kind = field.first.get_attribute("type")
            tag = field.first.evaluate("node => node.tagName.toLowerCase()")
            if kind in ("radio", "checkbox"):
                for choice in value if isinstance(value, list) else [value]:
                    box = page.locator(f"input[name='{name}'][value='{choice}']")
                    if box.count() == 0 or box.first.is_checked():
                        self.counts["fields_prefilled_kept"] += box.count()
                        continue
                    box.first.check()
                    self.counts["fields_typed"] += 1
            elif tag == "select":
                if field.first.input_value():
                    self.counts["fields_prefilled_kept"] += 1
                else:
                    field.first.select_option(value)
                    self.counts["fields_typed"] += 1
            elif field.first.input_value().strip():
                self.counts["fields_prefilled_kept"] += 1
            else:
                field.first.fill(value)
                self.counts["fields_typed"] += 1

    def every_row(self, data: dict) -> dict:
        """`data`, its answers for a repeating group's first row given in every row the page
        has (rows brought forward from an earlier form need the same questions answered)."""
        rows = dict(data)
        for name, value in data.items():
            group, index, question = (name.split("-", 2) + ["", ""])[:3]
            if index != "0" or not question:
                continue
            count = self.page.locator(f"[name^='{group}-'][name$='-{question}']").count()
            for other in range(1, count):
                rows.setdefault(f"{group}-{other}-{question}", value)
        return rows

    def sign_in(self, email: str) -> None:
        import pyotp

        from webapp.demo.seed import DEMO_PASSWORD, DEMO_TOTP_SECRET

        self.step = "signing in"
        self.goto("/sign-in")
        self.fill({"email": email, "password": DEMO_PASSWORD})
        self.submit("Sign in")
        self.fill({"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
        self.submit()


# --- the journey ---------------------------------------------------------------------------


def find_child(database: Path) -> dict:
    """A Riverside demo child with no CAF yet."""
    import sqlite3

    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT child.given_names, child.family_name, child.date_of_birth FROM child "
            "JOIN borough ON borough.id = child.borough_id WHERE borough.code = 'riverside' "
            "AND child.date_of_birth IS NOT NULL AND NOT child.shielded AND child.id NOT IN "
            "(SELECT child_id FROM episode) ORDER BY child.id LIMIT 1"
        ).fetchone()
    return {"given": row[0], "family": row[1], "born": date.fromisoformat(row[2])}


def start_caf(journey: Journey, child: dict) -> None:
    page = journey.page
    journey.step = "child index and starting the CAF"
    journey.click(page.get_by_role("link", name=re.compile("child index", re.I)))
    journey.fill(
        {
            "reason": "concern",
            "given_name": child["given"],
            "family_name": child["family"],
            **date_parts("date_of_birth", child["born"]),
        }
    )
    journey.submit("Search")
    journey.click(page.locator("main a.govuk-button", has_text="Start a CAF"))
    journey.fill({"social_care": "not_known"})
    journey.submit()


def complete_form(journey: Journey, answers: dict) -> None:
    """On a form's task list: its first section, then each section "Save and continue"
    opens until the task list comes back; check your answers, then submit or complete."""
    page = journey.page
    task_list = page.url
    journey.click(page.locator("a.govuk-task-list__link"))
    for _ in range(MAX_SECTIONS):
        if page.url == task_list:
            break
        section = page.url.rsplit("/sections/", 1)[-1]
        save = page.locator("main").get_by_role("button", name=SAVE)
        if save.count() == 0:  # a section that shows what is held elsewhere (consent)
            journey.click(page.locator("main a.govuk-button", has_text="Continue"))
            continue
        journey.fill(answers.get(section, {}))
        journey.submit(SAVE)
    else:
        raise Stuck(f"no way back to the task list from {page.url}")
    journey.click(page.locator("main a.govuk-button", has_text="Check your answers"))
    journey.submit()


def follow_next_steps(journey: Journey, episode: str) -> str:
    """Follow the episode page's green button while there is one; the page's text then."""
    page = journey.page
    for _ in range(MAX_STEPS):
        button = page.locator("#next-step-button")
        text = page.locator("main").inner_text()
        if button.count() == 0 or CLOSED in text:
            return text
        journey.step = button.inner_text().strip()
        start, answers = form_for(journey.step)
        # a button that takes a step or starts a form by itself is a submit
        journey.click(button, submit=button.evaluate("node => node.tagName") == "BUTTON")
        path = page.url.removeprefix(journey.base)
        if path == episode:
            pass  # the step asked nothing more: the button took it
        elif "/steps/" in path:
            journey.submit()
        elif path.endswith("/consent/new") or path.endswith("/consent"):
            if path.endswith("/consent"):
                journey.click(page.locator("main a", has_text=re.compile("Record", re.I)))
            journey.fill(CONSENT)
            tick_agency(journey, "Community Health Services")
            journey.submit()
        elif path.endswith("/tac"):
            become_lead(journey)
        elif re.search(r"/forms/\d+$", path):
            complete_form(journey, answers)
        elif path.endswith("/forms"):
            journey.submit(start)  # start the form the step needs, then fill it in
            complete_form(journey, answers)
        else:
            raise Stuck(f"the next-step button led to {path}")
        if not page.url.endswith(episode):
            journey.goto(episode)
    raise Stuck(f"more than {MAX_STEPS} next steps")


def form_for(button_text: str) -> tuple[str, dict]:
    """For the next-step button's words: the forms page's button that starts the form,
    and the answers to give in it."""
    text = button_text.lower()
    for words, start, answers in (
        ("closure", "Start the closure form", CLOSURE),
        ("review", "Record a review", REVIEW),
        ("plan", "Start the delivery plan", PLAN),
    ):
        if words in text:
            return start, answers
    return "Start", ASSESSMENT


def waiting_for(text: str) -> str | None:
    """Who the episode page says the CAF is waiting for, among the demo people."""
    waiting = re.search(r"Waiting for (.*?) to ", text)
    if not waiting:
        return None
    return next((who for who in PEOPLE if who in waiting.group(1).lower()), None)


def tick_agency(journey: Journey, name: str) -> None:
    box = journey.page.locator("main label", has_text=name)
    if box.count():
        box.first.click()
        journey.counts["fields_typed"] += 1


def become_lead(journey: Journey) -> None:
    """On the team page: join the team, then nominate oneself as lead professional."""
    page = journey.page
    join = page.locator("main").get_by_role("button", name=re.compile("Add myself|Join", re.I))
    if join.count():
        journey.click(join, submit=True)
    journey.click(page.locator("main a", has_text="Nominate the lead professional"))
    lead = page.locator("select[name='lead-member_id'], select[name='member_id']").first
    lead.select_option(label=lead.locator("option", has_text="Sam Practitioner").inner_text())
    journey.counts["fields_typed"] += 1
    journey.submit()


def narrow_check(tabs: dict, base: str, visits: list[tuple[str, str]]) -> list[dict]:
    """Open every page visited again at 320 px, in the browser of the person who visited
    it (a page reached by a form's POST is opened by GET): which scroll sideways."""
    checked = []
    for who, path in dict.fromkeys(visits):
        if "sign-in" in path or not path:
            continue
        page = tabs[who].context.new_page()
        page.set_viewport_size({"width": 320, "height": 800})
        page.goto(base + path)
        page.wait_for_load_state("load")
        widths = page.evaluate(
            "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
        )
        page.close()
        checked.append(
            {"person": who, "page": path, "scroll_width": widths[0]}
            | {"client_width": widths[1], "sideways": widths[0] > widths[1]}
        )
    return checked


def run() -> dict:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="practitioner-journey-"))
    environment = {
        **os.environ,
        "CAF_INSTANCE_PATH": str(folder / "instance"),
        "PYTHONPATH": str(ROOT),
        "CAF_WORKERS": "1",
        "CAF_THREADS": "4",
    }
    environment.pop("CAF_DATABASE_URL", None)
    print("building the demo database", flush=True)
    prepare_database(environment, None)
    child = find_child(folder / "instance" / "ecaf.sqlite3")
    server = Server("ecaf", "webapp:create_app()", environment, folder)
    stuck, closed = "", False
    try:
        server.wait_until_up("/sign-in")
        base = f"http://127.0.0.1:{server.port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            practitioner = browser.new_context(viewport={"width": 1280, "height": 900})
            practitioner.set_default_timeout(10_000)
            journey = Journey(practitioner.new_page(), base)
            tabs = {"practitioner": journey.page}
            try:
                journey.sign_in(PRACTITIONER)
                start_caf(journey, child)
                episode = journey.page.url.removeprefix(base)
                print(f"started {episode}", flush=True)
                tabs["practitioner"] = journey.page
                for _ in range(HANDOVERS):
                    text = follow_next_steps(journey, episode)
                    if CLOSED in text:
                        closed = True
                        break
                    who = waiting_for(text)
                    if who is None:
                        raise Stuck(f"no one to hand over to: {text[:600]}")
                    print(f"handed over to the {who}", flush=True)
                    if who not in tabs:
                        context = browser.new_context(viewport={"width": 1280, "height": 900})
                        context.set_default_timeout(10_000)
                        tabs[who] = context.new_page()
                        journey.use(tabs[who], who)
                        journey.sign_in(PEOPLE[who])
                    journey.use(tabs[who], who)
                    journey.step = "opening the episode"
                    journey.goto(episode)
                else:
                    raise Stuck(f"not closed after {HANDOVERS} handovers")
            except (Stuck, PlaywrightError) as error:
                stuck = f"{error} (on {journey.page.url.removeprefix(base)})"
                journey.page.screenshot(path=str(folder.parent / "practitioner-journey-stuck.png"))
                print(f"stuck: {stuck}", flush=True)
            narrow = narrow_check(tabs, base, journey.visits)
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "pages": len(journey.pages),
        "pages_by_person": journey.by_person,
        **journey.counts,
        "clicks_and_submits": journey.counts["clicks"] + journey.counts["submits"],
        "pages_by_step": journey.by_step,
        "axe_violations": len(journey.violations),
        "axe_violations_at": {
            str(width): sum(1 for found in journey.violations if found["width"] == width)
            for width in (WIDE, NARROW)
        },
        "axe_violation_details": journey.violations,
        "axe_pages_checked": len(journey.pages),
        "narrow_320": narrow,
        "sideways_at_320": sum(1 for entry in narrow if entry["sideways"]),
        "stuck": stuck,
        "closed": closed,
        "pages_visited": [f"{who}: {path}" for who, path in journey.visits],
    }


def readme_section(result: dict) -> str:
    def row(name: str, before, now, goal, first_run="") -> str:
        return f"| {name} | {before} | {FIRST_RUN.get(first_run, '')} | {now} | {goal} |"

    by_person = ", ".join(
        f"{who.replace('caf', 'CAF')} {count}" for who, count in result["pages_by_person"].items()
    )
    lines = [
        START,
        "## Practitioner journey (issue 18)",
        "",
        "`.venv/bin/python benchmarks/practitioner_journey.py`: Chromium at 1280 px takes "
        "one CAF from the child index to the manager's closure approval, on a throw-away "
        "SQLite database with the demo data of Riverside, following the episode page's "
        "green next-step button: the practitioner signs in, searches the index, starts the "
        "CAF, records consent, fills in the assessment, passes it on; the borough's CAF "
        "contact passes the quality check; the practitioner joins the team, becomes lead "
        "professional, starts delivery, records a review that agrees to close, fills in the "
        "closure form and requests closure with it; the manager approves it. Every page, "
        "field and click of all three people is counted (sign-in included). Fields typed "
        "are the inputs the script had to fill that were not already filled in (typed, "
        "chosen or ticked); 'pre-filled fields kept' are answers the script would have "
        "given but found already there. axe-core runs on every page arrived at, at 1280 px "
        "and again at 390 px (the window narrowed on the same page); every page visited is "
        "opened again at 320 px, by the person who visited it, to look for sideways "
        "scrolling (a page reached by a form's POST is opened by GET). The 'before' figures "
        "were measured by hand in Chromium at 1280 px and 390 px, and the script's route "
        "may differ from that walk in detail.",
        "",
        f"Measured {result['measured_at']}.",
        "",
        "| Figure | Before (by hand) | This script's first run | Now | Goal |",
        "|---|---|---|---|---|",
        row(
            "Pages visited",
            f"about {BEFORE['pages']}",
            f"{result['pages']} ({by_person})",
            f"≤ {GOALS['pages']}",
            "pages",
        ),
        row(
            "Fields typed",
            f"about {BEFORE['fields_typed']}",
            result["fields_typed"],
            f"≤ {GOALS['fields_typed']}",
            "fields_typed",
        ),
        row(
            "Pre-filled fields kept",
            "",
            result["fields_prefilled_kept"],
            "",
            "fields_prefilled_kept",
        ),
        row(
            "Clicks and submits",
            f"about {BEFORE['clicks_and_submits']}",
            f"{result['clicks_and_submits']} ({result['clicks']} clicks, "
            f"{result['submits']} submits)",
            "",
            "clicks_and_submits",
        ),
        row(
            "axe violations at 1280 px",
            "1 in 80 page states",
            f"{result['axe_violations_at'][str(WIDE)]} in {result['axe_pages_checked']} pages",
            "0",
            "axe_1280",
        ),
        row(
            "axe violations at 390 px",
            "",
            f"{result['axe_violations_at'][str(NARROW)]} in {result['axe_pages_checked']} pages",
            "0",
            "axe_390",
        ),
        row(
            "Pages scrolling sideways at 320 px",
            "",
            f"{result['sideways_at_320']} of {len(result['narrow_320'])} pages",
            "0",
            "sideways_at_320",
        ),
        "",
    ]
    if result["stuck"]:
        lines += [f"The script stopped before the end: {result['stuck']}", ""]
    wide = [entry for entry in result["narrow_320"] if entry["sideways"]]
    for entry in wide:
        lines.append(f"- {entry['page']}: {entry['scroll_width']} px wide at 320 px")
    for violation in result["axe_violation_details"]:
        lines.append(
            f"- axe `{violation['rule']}` ({violation['impact']}) on {violation['page']} "
            f"at {violation['width']} px"
        )
    if wide or result["axe_violation_details"]:
        lines.append("")
    lines += [
        "Pages by step (the person, and the green button they followed):",
        "",
        "| Step | Pages |",
        "|---|---|",
        *(f"| {step} | {count} |" for step, count in result["pages_by_step"].items()),
        "",
    ]
    lines.append(END)
    return "\n".join(lines) + "\n"


def main() -> None:
    result = run()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    replace_section(README, START, END, readme_section(result))
    shown = {key: value for key, value in result.items() if not isinstance(value, list)}
    print(json.dumps(shown, indent=2))


if __name__ == "__main__":
    main()
