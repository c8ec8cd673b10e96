"""Reading an uploaded CSV file into rows, with the checks every import makes: a size
limit, UTF-8 (with or without the byte-order mark Excel writes), a first row naming the
columns, cells that a spreadsheet would not run as formulas, and values no longer than
their column allows. Problems are collected, never raised one at a time, so that the
validation report lists every bad row."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

MAX_BYTES = 1024 * 1024
MAX_SIZE_TEXT = "1MB"
MAX_ROWS = 2000
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@")
WHOLE_ROW = "Whole row"


@dataclass(frozen=True)
class Column:
    name: str  # as the first row of the file names it
    title: str  # as messages name it, like "Email address"
    max_length: int
    required: bool = False


@dataclass(frozen=True)
class Problem:
    row: int  # the row's number in a spreadsheet: the column names are row 1
    column: str
    message: str


@dataclass(frozen=True)
class Record:
    row: int
    values: dict[str, str]  # by column name, stripped; "" for a column the file leaves out


class ImportRefused(Exception):
    """Nothing was imported: the file could not be read (`file_problems`) or some rows are
    wrong (`problems`, every one of them)."""

    def __init__(
        self,
        file_problems: list[str] | None = None,
        problems: list[Problem] | None = None,
        columns: tuple[Column, ...] = (),
    ):
        self.file_problems = file_problems or []
        # By row, then in the order of the columns (a whole row's problem first).
        order = {column.name: number for number, column in enumerate(columns, start=1)}
        self.problems = sorted(
            problems or [],
            key=lambda problem: (problem.row, order.get(problem.column, 0)),
        )
        super().__init__("; ".join(self.file_problems) or f"{len(self.problems)} problems")

    @property
    def bad_rows(self) -> int:
        return len({problem.row for problem in self.problems})


def _header_name(text: str) -> str:
    return "_".join(text.replace("-", " ").split()).lower()


def read(
    content: bytes,
    columns: tuple[Column, ...],
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> tuple[list[Record], list[Problem]]:
    """The file's rows (blank ones left out) and the problems of their cells. Raises
    ImportRefused when the file as a whole cannot be used. A file read on the server (a
    nightly extract) may be allowed more than an upload's `max_bytes` and `max_rows`."""
    if len(content) > max_bytes:
        size = MAX_SIZE_TEXT if max_bytes == MAX_BYTES else f"{max_bytes // (1024 * 1024)}MB"
        raise ImportRefused([f"The selected file must be smaller than {size}"])
    if not content.strip():
        raise ImportRefused(["The selected file is empty"])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            ["The selected file must be a CSV file saved as UTF-8 (in Excel, CSV UTF-8)"]
        ) from None
    if "\x00" in text:
        raise ImportRefused(
            ["The selected file must be a CSV file, not a spreadsheet or other file"]
        )
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ImportRefused([f"The selected file could not be read as CSV: {error}"]) from None
    header = [_header_name(cell) for cell in table[0]]
    _check_header(header, columns)
    records: list[Record] = []
    problems: list[Problem] = []
    known = {column.name: column for column in columns}
    for index, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(
                    index,
                    WHOLE_ROW,
                    f"The row has {len(cells)} cells but the first row names {len(header)} columns",
                )
            )
            continue
        raw = dict(zip(header, cells, strict=True))
        values = {name: raw.get(name, "").strip() for name in known}
        for name, column in known.items():
            problems += _cell_problems(index, column, raw.get(name, ""), values[name])
        records.append(Record(index, values))
    if not records and not problems:
        raise ImportRefused(["The selected file has no rows below the column names"])
    if len(records) + len({problem.row for problem in problems}) > max_rows:
        raise ImportRefused([f"The selected file must have {max_rows:,} rows or fewer"])
    return records, problems


def _check_header(header: list[str], columns: tuple[Column, ...]) -> None:
    names = [column.name for column in columns]
    expected = ", ".join(names)
    unknown = [name or "(blank)" for name in header if name not in names]
    missing = [column.name for column in columns if column.required and column.name not in header]
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    problems = []
    if unknown and len(unknown) == len(header):
        problems.append(f"The first row of the file must name the columns: {expected}")
    else:
        if unknown:
            problems.append(
                f"The first row names columns eCAF does not import: {', '.join(unknown)}. "
                f"The columns are: {expected}"
            )
        if missing:
            problems.append(
                f"The first row must name the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}"
            )
        if repeated:
            problems.append(f"The first row names {', '.join(repeated)} more than once")
    if problems:
        raise ImportRefused(problems)


def _cell_problems(row: int, column: Column, raw: str, value: str) -> list[Problem]:
    if column.required and not value:
        return [Problem(row, column.name, f"Enter the {column.title.lower()}")]
    starts = raw.lstrip()[:1] or ""
    if raw[:1] in ("\t", "\r") or starts in FORMULA_STARTS:
        shown = starts if starts in FORMULA_STARTS else "a tab"
        return [
            Problem(
                row,
                column.name,
                f"{column.title} must not start with {shown}: a spreadsheet would run it as a "
                "formula",
            )
        ]
    if len(value) > column.max_length:
        return [
            Problem(
                row, column.name, f"{column.title} must be {column.max_length} characters or fewer"
            )
        ]
    return []
