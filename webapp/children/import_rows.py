"""Reading a source's CSV file of children (README, "Feeding the child index"): every row
checked, every problem named by row, column and why, in plain words.

Columns: source_id, given_names, family_name, date_of_birth, sex, nhs_number,
unique_pupil_number, address_line_1, address_line_2, town, postcode. The template is
docs/import-examples/children.csv."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime

from webapp.children.import_models import SOURCE_ID_MAX
from webapp.children.models import Gender
from webapp.imports.reading import Column, Problem, read

# A nightly extract is read on the server, not uploaded: it may be larger than an upload.
MAX_BYTES = 200 * 1024 * 1024
MAX_ROWS = 1_000_000
# The oldest a young person the CAF serves can be (with a disability, up to 25).
OLDEST_AGE = 26

COLUMNS = (
    Column("source_id", "Source identifier", SOURCE_ID_MAX, required=True),
    Column("given_names", "Given names", 120, required=True),
    Column("family_name", "Family name", 120, required=True),
    Column("date_of_birth", "Date of birth", 20, required=True),
    Column("sex", "Sex", 20, required=True),
    Column("nhs_number", "NHS number", 20),
    Column("unique_pupil_number", "Unique pupil number", 20),
    Column("address_line_1", "Address line 1", 160),
    Column("address_line_2", "Address line 2", 160),
    Column("town", "Town", 80),
    Column("postcode", "Postcode", 10),
)
SEXES = {"male": Gender.MALE, "female": Gender.FEMALE, "unknown": Gender.UNKNOWN}
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
# A check letter (never I, O or S), 11 digits, then a digit, or a letter for a temporary one.
UNIQUE_PUPIL_NUMBER = re.compile(r"^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-Z]$")


@dataclass(frozen=True)
class ChildRow:
    row: int
    source_id: str
    given_names: str
    family_name: str
    date_of_birth: date
    gender: Gender
    nhs_number: str
    unique_pupil_number: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str

    def details(self) -> dict[str, object]:
        """What the row says of the child, as the index keeps it."""
        values = asdict(self)
        del values["row"], values["source_id"], values["nhs_number"]
        del values["unique_pupil_number"]
        return values

    def fingerprint(self) -> str:
        """A hash of everything the row says: the same row sent again has the same one."""
        values = asdict(self)
        del values["row"]
        text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


def nhs_number_is_valid(digits: str) -> bool:
    """The modulus 11 check of a ten-digit NHS number: the tenth digit checks the nine."""
    if not re.fullmatch(r"[0-9]{10}", digits):
        return False
    total = sum(int(digit) * (10 - position) for position, digit in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _date_of_birth(row: int, text: str, today: date, problems: list[Problem]) -> date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            value = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if value > today:
            problems.append(Problem(row, "date_of_birth", "Date of birth must be in the past"))
        elif value.year < today.year - OLDEST_AGE:
            problems.append(
                Problem(
                    row,
                    "date_of_birth",
                    f"Date of birth must be after {today.year - OLDEST_AGE}: the child index "
                    "holds children and young people",
                )
            )
        return value
    problems.append(
        Problem(
            row,
            "date_of_birth",
            "Date of birth must be a real date, written like 2015-03-27 or 27/03/2015",
        )
    )
    return None


def _nhs_number(row: int, text: str, problems: list[Problem]) -> str:
    digits = re.sub(r"[\s-]", "", text)
    if text and not nhs_number_is_valid(digits):
        problems.append(
            Problem(
                row,
                "nhs_number",
                "NHS number must be 10 digits whose last digit is the check digit of the "
                "first nine: check it for a typing error",
            )
        )
    return digits


def _unique_pupil_number(row: int, text: str, problems: list[Problem]) -> str:
    value = text.replace(" ", "").upper()
    if value and not UNIQUE_PUPIL_NUMBER.match(value):
        problems.append(
            Problem(
                row,
                "unique_pupil_number",
                "Unique pupil number must be 13 characters: a letter, then 11 digits, then a "
                "digit or a letter, like A123456789012",
            )
        )
    return value


def _postcode(row: int, text: str, problems: list[Problem]) -> str:
    match = POSTCODE.match(" ".join(text.upper().split()))
    if text and match is None:
        problems.append(
            Problem(row, "postcode", "Postcode must be a full UK postcode, like SW1A 1AA")
        )
        return ""
    return f"{match.group(1)} {match.group(2)}" if match else ""


def _sex(row: int, text: str, problems: list[Problem]) -> Gender:
    gender = SEXES.get(text.lower())
    if gender is None:
        problems.append(Problem(row, "sex", "Sex must be male, female or unknown"))
        return Gender.UNKNOWN
    return gender


def parse(content: bytes, today: date) -> tuple[list[ChildRow], list[Problem], int, set[str]]:
    """The good rows, the problems of the bad ones, how many rows were read, and every
    source identifier the file names (a bad row's too: the source still sends that child).
    Raises ImportRefused when the file as a whole cannot be used."""
    records, problems = read(content, COLUMNS, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    rows_read = len({record.row for record in records} | {problem.row for problem in problems})
    named = {record.values["source_id"] for record in records if record.values["source_id"]}
    first_row: dict[str, int] = {}
    rows: list[ChildRow] = []
    for record in records:
        values, row = record.values, record.row
        found: list[Problem] = []
        bad_cells = {problem.column for problem in problems if problem.row == row}
        if "source_id" not in bad_cells and values["source_id"] in first_row:
            found.append(
                Problem(
                    row,
                    "source_id",
                    f"Source identifier is also on row {first_row[values['source_id']]}: "
                    "each child once in a file",
                )
            )
        first_row.setdefault(values["source_id"], row)
        checked = {
            name: values[name] if name not in bad_cells else ""
            for name in ("date_of_birth", "sex", "nhs_number", "unique_pupil_number", "postcode")
        }
        date_of_birth = (
            _date_of_birth(row, checked["date_of_birth"], today, found)
            if "date_of_birth" not in bad_cells
            else None
        )
        gender = _sex(row, checked["sex"], found) if "sex" not in bad_cells else Gender.UNKNOWN
        nhs_number = _nhs_number(row, checked["nhs_number"], found)
        pupil_number = _unique_pupil_number(row, checked["unique_pupil_number"], found)
        postcode = _postcode(row, checked["postcode"], found)
        problems += found
        if bad_cells or found or date_of_birth is None:
            continue
        rows.append(
            ChildRow(
                row=row,
                source_id=values["source_id"],
                given_names=" ".join(values["given_names"].split()),
                family_name=" ".join(values["family_name"].split()),
                date_of_birth=date_of_birth,
                gender=gender,
                nhs_number=nhs_number,
                unique_pupil_number=pupil_number,
                address_line_1=values["address_line_1"],
                address_line_2=values["address_line_2"],
                town=values["town"],
                postcode=postcode,
            )
        )
    return rows, problems, rows_read, named
