"""Trying to work out a suppressed count from what the pages and exports show, under every
filter combination a borough's reader can ask for."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from io import BytesIO
from itertools import product
from xml.dom.minidom import parseString

from sqlalchemy import select

from tests.factories import make_child, make_episode
from tests.reports.attack import lines_of, worked_out
from tests.reports.world import PERIOD, csv_rows, months_ago, tables
from webapp import db
from webapp.audit.models import AuditEvent
from webapp.reports.queries import AGE_TITLES, NOT_KNOWN, SECTOR_TITLES
from webapp.reports.suppression import TOTAL

SECTOR = {title: value for value, title in SECTOR_TITLES.items()}
AGE = {title: value for value, title in AGE_TITLES.items()}
NAMES = ("sector", "age", "area")

# Each table: the measure whose cube it cuts, and the dimension its rows vary.
TABLES = {
    "started-by-sector": ("started", "sector"),
    "started-by-age": ("started", "age"),
    "started-by-area": ("started", "area"),
    "started-by-month": ("started", "category"),
    "open-by-stage": ("open", "category"),
    "closed-by-reason": ("closed", "category"),
    "distance-open": ("distance_open", "category"),
    "distance-closed": ("distance_closed", "category"),
}
SUMMARY = {
    "CAFs started in the period": "started",
    "CAFs closed in the period": "closed",
    "CAFs open today": "open",
}


def _value(dimension: str, label: str) -> str:
    if label == "Total":
        return TOTAL
    if dimension == "sector":
        return SECTOR[label]
    if dimension == "age":
        return AGE[label]
    if dimension == "area":
        return NOT_KNOWN if label == "Not known" else label
    if re.fullmatch(r"[A-Z][a-z]+ \d{4}", label):
        return datetime.strptime(label, "%B %Y").strftime("%Y-%m")
    return label  # a stage or a reason, by its title


def _read_everything(client, options):
    """Every figure shown on every filtered page: {(measure, sector, age, area, category):
    text}, checking that a cell reads the same wherever it is shown."""
    seen: dict[tuple[str, ...], str] = {}

    def note(key, text):
        assert seen.setdefault(key, text) == text, f"{key} shown as {seen[key]} and {text}"

    for chosen in product(*(options[name] for name in NAMES)):
        query = {name: value for name, value in zip(NAMES, chosen, strict=True) if value}
        response = client.get("/reports", query_string=PERIOD | query)
        assert response.status_code == 200
        found = tables(response)
        base = {name: value or TOTAL for name, value in zip(NAMES, chosen, strict=True)}
        for label, measure in SUMMARY.items():
            note(
                (measure, base["sector"], base["age"], base["area"], TOTAL), found["summary"][label]
            )
        for table_id, (measure, dimension) in TABLES.items():
            for label, text in found[table_id].items():
                cell = base | {"category": TOTAL} | {dimension: _value(dimension, label)}
                note((measure, cell["sector"], cell["age"], cell["area"], cell["category"]), text)
    return seen


def _worked_out(seen):
    """Every cell that can be worked out from the figures shown, along the lines of each
    measure's cube (its first part names the measure)."""
    known = {
        key: int(text.replace(",", ""))
        for key, text in seen.items()
        if text.replace(",", "").isdigit()
    }
    values = [sorted({key[position] for key in seen} - {TOTAL}) for position in range(5)]
    return worked_out(known, lines_of(seen, values, first=1))


def _options(world_client) -> dict[str, list[str]]:
    page = world_client.get("/reports", query_string=PERIOD).get_data(as_text=True)
    options = {}
    for name in NAMES:
        select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
        options[name] = re.findall(r'value="([^"]*)"', select_html)
    return options


def test_no_small_count_can_be_worked_out_through_any_filter_combination(world, signed_in):
    client = signed_in(world.caf_contact)
    options = _options(client)
    assert options["area"] == ["", "SE15", "SE5", NOT_KNOWN]
    seen = _read_everything(client, options)
    small = {key for key, text in seen.items() if text.startswith("fewer than")}
    assert small, "the world must have small counts to protect"
    assert not [text for text in seen.values() if text in {"1", "2", "3", "4"}]
    learnt = _worked_out(seen)
    assert not {key: learnt[key] for key in small if key in learnt}


def test_the_export_shows_exactly_what_the_page_shows(world, signed_in):
    client = signed_in(world.caf_contact)
    for query in ({}, {"sector": "health"}, {"area": "SE5", "age": "11_15"}):
        page = tables(client.get("/reports", query_string=PERIOD | query))
        rows = csv_rows(client.get("/reports/export.csv", query_string=PERIOD | query))
        exported: dict[str, dict[str, str]] = {}
        current = None
        for row in rows:
            if len(row) == 1:
                current = row[0]
            elif current and len(row) >= 2 and row[1] != "Number":
                exported.setdefault(current, {})[row[0]] = row[1]
        captions = {
            "summary": "CAFs in this report",
            "started-by-sector": "CAFs started in the period, by the assessor's agency sector",
            "closed-by-reason": "CAFs closed in the period, by reason for closing",
        }
        for table_id, caption in captions.items():
            assert exported[caption] == page[table_id]
        assert not [row for row in rows for cell in row if cell in {"1", "2", "3", "4"}]


def test_every_export_is_audited(world, signed_in):
    response = signed_in(world.school_manager).get(
        "/reports/export.csv", query_string=PERIOD | {"age": "5_10"}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reports.exported"))
    assert event.actor_id == world.school_manager.id
    assert '"age": "5_10"' in event.detail and '"format": "csv"' in event.detail


def test_a_cell_a_spreadsheet_would_run_is_neutralised(world, signed_in):
    for _number in range(6):
        child = make_child(world.borough, postcode="=2+5 1AA")
        make_episode(child, world.school_practitioner, state="delivering", opened_at=months_ago(1))
    db.session.commit()
    client = signed_in(world.caf_contact)
    assert "=2+5" in tables(client.get("/reports", query_string=PERIOD))["started-by-area"]
    rows = csv_rows(client.get("/reports/export.csv", query_string=PERIOD))
    labels = [row[0] for row in rows if row]
    assert "'=2+5" in labels
    assert not [
        cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")
    ]


def _ods_cells(response) -> list[list[str]]:
    """The text of every row of an exported spreadsheet."""
    content = zipfile.ZipFile(BytesIO(response.get_data())).read("content.xml")
    rows = []
    # The server's own output, read back in a test.
    for row in parseString(content).getElementsByTagName("table:table-row"):  # noqa: S318
        cells = []
        for cell in row.getElementsByTagName("table:table-cell"):
            assert cell.getAttribute("office:value-type") in ("string", "")
            assert not cell.getAttribute("table:formula")
            paragraphs = cell.getElementsByTagName("text:p")
            cells.append(
                paragraphs[0].firstChild.data if paragraphs and paragraphs[0].firstChild else ""
            )
        rows.append(cells)
    return rows


def test_the_spreadsheet_holds_exactly_the_csv_rows_and_is_audited(world, signed_in):
    for _number in range(6):
        child = make_child(world.borough, postcode="@SUM 1AA")
        make_episode(child, world.school_practitioner, state="delivering", opened_at=months_ago(1))
    db.session.commit()
    client = signed_in(world.caf_contact)
    query = PERIOD | {"sector": "school"}
    ods = client.get("/reports/export.ods", query_string=query)
    assert ods.status_code == 200
    assert ods.mimetype == "application/vnd.oasis.opendocument.spreadsheet"
    rows = _ods_cells(ods)
    expected = csv_rows(client.get("/reports/export.csv", query_string=query))
    assert [row for row in rows if row] == [row for row in expected if row]
    assert "'@SUM" in [row[0] for row in rows if row]
    formats = [
        event.detail
        for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "reports.exported")
        )
    ]
    assert len(formats) == 2 and '"format": "ods"' in formats[0]


def test_a_boroughs_own_threshold_suppresses_more(world, signed_in):
    world.borough.report_threshold = 10
    db.session.commit()
    found = tables(signed_in(world.caf_contact).get("/reports", query_string=PERIOD))
    assert found["closed-by-reason"]["Stepped up to specialist services"] == "fewer than 10"
    assert found["closed-by-reason"]["Needs met"] != "10"
    page = signed_in(world.caf_contact).get("/reports", query_string=PERIOD)
    assert "shown as “fewer than 10”" in page.get_data(as_text=True)


def test_unknown_words_in_the_address_are_not_carried_into_links(world, signed_in):
    client = signed_in(world.caf_contact)
    for query in ({"file_format": "x"}, {"_scheme": "ftp"}, {"_external": "1", "_anchor": "x"}):
        response = client.get("/reports", query_string=PERIOD | query)
        assert response.status_code == 200
        assert "_scheme" not in response.get_data(as_text=True)
    assert client.get("/reports/export.xlsx").status_code == 404
