"""Synthetic children for the child index benchmark, and fast bulk loading.

Names are drawn with a long-tailed (Zipf-like) frequency from the demo name lists
(webapp/demo/names.py) followed by made-up syllable names, so that a national index has
what a real one has: a few very common names (about 1 child in 100 is a Smith) and a long
tail. Dates of birth are spread over 0 to 18 years, postcodes over about 1.7 million made-up
codes (a handful of children in each). Everything is synthetic.

The search keys are derived with the application's own function (matching.search_keys).
SQLite is loaded with executemany in large batches and synchronous=OFF (a throw-away
database only); PostgreSQL with COPY through psycopg. Secondary indexes of the child table
are dropped before loading and built again afterwards, which is much faster than keeping
them up to date row by row.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import random
import sqlite3
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from webapp.children import matching
from webapp.demo import names

COLUMNS = (
    "unique_reference",
    "borough_id",
    "given_names",
    "family_name",
    "also_known_as",
    "gender",
    "date_of_birth",
    "expected_delivery_date",
    "mother_name",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "shielded",
    "family_name_key",
    "family_name_sound",
    "given_name_sound",
    "postcode_key",
    "reference_key",
    "born_on",
    "created_at",
)
KEY_COLUMNS = ("family_name_key", "family_name_sound", "given_name_sound", "postcode_key")
KEY_COLUMNS += ("reference_key", "born_on")

ONSETS = [
    "b",
    "br",
    "c",
    "ch",
    "cl",
    "d",
    "dr",
    "f",
    "g",
    "gr",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "pr",
    "r",
    "s",
    "sh",
    "st",
    "t",
    "th",
    "tr",
    "v",
    "w",
    "y",
    "z",
]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "oo", "ou", "ie"]
CODAS = ["", "n", "r", "l", "m", "s", "t", "rd", "nd", "ck", "ll", "rn", "sk", "v"]
SURNAME_ENDINGS = [
    "son",
    "ton",
    "ley",
    "ford",
    "well",
    "wood",
    "field",
    "by",
    "ham",
    "man",
    "er",
    "ett",
    "ing",
    "ock",
    "ow",
    "s",
    "wick",
    "bury",
    "combe",
    "den",
    "ridge",
    "ski",
    "ova",
    "ez",
    "ian",
    "idis",
    "escu",
    "oglu",
    "ani",
    "ewski",
    "ova",
    "ovic",
    "ello",
    "ini",
    "sen",
    "berg",
] + ["", "", ""]
GIVEN_ENDINGS = [
    "a",
    "ia",
    "ie",
    "ella",
    "ette",
    "ina",
    "yn",
    "en",
    "on",
    "an",
    "us",
    "o",
    "i",
    "ey",
    "ah",
    "el",
    "ara",
    "iel",
] + [""]
AREAS = [a + b for a in "BCDEGHKLMNPRSTW" for b in "ABDEHLMNRSTY"][:120]
OUTWARD_CODES = [f"{area}{district}" for area in AREAS for district in range(1, 25)]
POSTCODES_PER_OUTWARD = 590  # about 1.7 million postcodes in all
LETTERS = names.INWARD_LETTERS


def _made_up(rng: random.Random, endings: list[str], count: int, taken: set[str]) -> list[str]:
    made: list[str] = []
    while len(made) < count:
        syllables = rng.choice([1, 2, 2, 3])
        word = "".join(
            rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables)
        )
        word = (word + rng.choice(endings)).capitalize()
        if 3 <= len(word) <= 16 and word not in taken:
            taken.add(word)
            made.append(word)
    return made


def _zipf(pool: list[str], offset: float) -> tuple[list[str], list[float]]:
    """The pool with cumulative weights 1/(rank + offset): the first names are the commonest."""
    return pool, list(itertools.accumulate(1 / (rank + offset) for rank in range(1, len(pool) + 1)))


class Population:
    """Draws synthetic children: the same ones for the same seed, batch by batch (each batch
    has its own random stream, so batches can be drawn in any order, in other processes)."""

    def __init__(self, borough_ids: list[int], borough_codes: list[str], seed: int = 2026):
        self.seed = seed
        rng = random.Random(seed)
        taken = set(names.FAMILY_NAMES)
        family = [name for name in names.FAMILY_NAMES if name not in {"Ní", "Bhriain"}]
        family += _made_up(rng, SURNAME_ENDINGS, 100_000 - len(family), taken)
        self.family = _zipf(family, 10)  # the commonest is about 1 in 100
        taken = set(names.GIVEN_NAMES_FEMALE) | set(names.GIVEN_NAMES_MALE)
        female = names.GIVEN_NAMES_FEMALE + _made_up(rng, GIVEN_ENDINGS, 5000, taken)
        male = names.GIVEN_NAMES_MALE + _made_up(rng, GIVEN_ENDINGS, 5000, taken)
        self.female, self.male = _zipf(female, 5), _zipf(male, 5)
        self.boroughs = [
            (borough_id, code[:3].upper())
            for borough_id, code in zip(borough_ids, borough_codes, strict=True)
        ]
        self.today = date.today()
        self.now = datetime.now().replace(microsecond=0)
        self.birthdays = [self.today - timedelta(days=days) for days in range(18 * 365 + 1)]
        self.streets = [
            f"{number} {street}" for number in range(1, 181) for street in names.STREETS
        ]

    def rows(self, first_number: int, count: int) -> list[tuple]:
        """`count` children numbered from `first_number`, as tuples in COLUMNS order."""
        rng = random.Random(self.seed * 1_000_000_007 + first_number)
        draw = rng.random

        def pick(pool: tuple[list[str], list[float]]) -> list[str]:
            return rng.choices(pool[0], cum_weights=pool[1], k=count)

        family, female, male = pick(self.family), pick(self.female), pick(self.male)
        boroughs, birthdays, streets = self.boroughs, self.birthdays, self.streets
        outward, outward_count = OUTWARD_CODES, len(OUTWARD_CODES)
        places = outward_count * POSTCODES_PER_OUTWARD
        search_keys, now = matching.search_keys, self.now
        rows = []
        for offset in range(count):
            number = first_number + offset
            borough_id, prefix = boroughs[number % len(boroughs)]
            chance = draw()
            gender = "female" if chance < 0.49 else ("male" if chance < 0.98 else "unknown")
            given_pool = female if gender == "female" else male
            given, family_name = given_pool[offset], family[offset]
            if draw() < 0.02:
                family_name = f"{family_name}-{family[offset - 1]}"
            if draw() < 0.1:
                given = f"{given} {given_pool[offset - 1]}"
            born, expected, mother, also_known_as = None, None, "", ""
            if draw() < 0.004:  # an unborn baby
                expected = self.today + timedelta(days=20 + int(draw() * 180))
                mother, given, gender = f"{female[offset - 2]} {family_name}", "", "unknown"
            else:
                born = birthdays[30 + int(draw() * (len(birthdays) - 30))]
                if draw() < 0.03:
                    also_known_as = f"{given.split()[0]} {family[offset - 3]}"
            place = int(draw() * places)
            inward = place // outward_count
            postcode = (
                f"{outward[place % outward_count]} {inward % 10}"
                f"{LETTERS[(inward // 10) % 20]}{LETTERS[inward // 200]}"
            )
            reference = f"{prefix}{number:08d}"
            keys = search_keys(
                family_name=family_name,
                given_names=given,
                postcode=postcode,
                unique_reference=reference,
                date_of_birth=born,
                expected_delivery_date=expected,
            )
            rows.append(
                (
                    reference,
                    borough_id,
                    given,
                    family_name,
                    also_known_as,
                    gender,
                    born,
                    expected,
                    mother,
                    streets[int(draw() * len(streets))],
                    "",
                    f"Town {place % 997}",
                    postcode,
                    draw() < 0.003,
                    keys["family_name_key"],
                    keys["family_name_sound"],
                    keys["given_name_sound"],
                    keys["postcode_key"],
                    keys["reference_key"],
                    keys["born_on"],
                    now,
                )
            )
        return rows


_worker_population: Population | None = None


def _start_worker(population: Population) -> None:
    global _worker_population
    _worker_population = population


def _draw(span: tuple[int, int]) -> list[tuple]:
    assert _worker_population is not None
    return _worker_population.rows(*span)


def batches(population: Population, total: int, size: int) -> Iterator[list[tuple]]:
    """The batches of `total` children, drawn in worker processes (one per CPU) while the
    caller writes the previous ones to the database."""
    spans = [(first, min(size, total + 1 - first)) for first in range(1, total + 1, size)]
    if total <= size:
        yield from (population.rows(*span) for span in spans)
        return
    workers = max(1, min(os.cpu_count() or 1, 4))
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_start_worker, initargs=(population,)) as pool:
        yield from pool.imap(_draw, spans)


class Progress:
    """A text progress bar on stderr, redrawn at most every half second."""

    def __init__(self, label: str, total: int, unit: str = "rows"):
        self.label, self.total, self.unit = label, total, unit
        self.started, self.shown = time.monotonic(), 0.0

    def update(self, done: int) -> None:
        now = time.monotonic()
        if now - self.shown < 0.5 and done < self.total:
            return
        self.shown = now
        elapsed = now - self.started
        rate = done / elapsed if elapsed else 0.0
        left = (self.total - done) / rate if rate else 0.0
        filled = int(30 * done / self.total) if self.total else 30
        bar = "#" * filled + "." * (30 - filled)
        sys.stderr.write(
            f"\r{self.label} [{bar}] {100 * done / self.total:5.1f}% {done:,}/{self.total:,} "
            f"{rate:,.0f} {self.unit}/s, {elapsed:,.0f} s, about {left:,.0f} s left   "
        )
        if done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _sqlite_value(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def load_sqlite(path: str, population: Population, total: int, batch: int = 50_000) -> dict:
    """Bulk load into the child table of a migrated SQLite file; returns the timings."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=OFF")
    connection.execute("PRAGMA synchronous=OFF")  # throw-away benchmark database only
    connection.execute("PRAGMA cache_size=-1000000")
    connection.execute("PRAGMA temp_store=MEMORY")
    indexes = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'child' "
        "AND sql IS NOT NULL"
    ).fetchall()
    for name, _sql in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    placeholders = ", ".join("?" * len(COLUMNS))
    insert = f"INSERT INTO child ({', '.join(COLUMNS)}) VALUES ({placeholders})"  # noqa: S608
    progress, done, started = Progress("SQLite: loading", total), 0, time.monotonic()
    for rows in batches(population, total, batch):
        connection.execute("BEGIN")
        connection.executemany(insert, ([_sqlite_value(v) for v in row] for row in rows))
        connection.execute("COMMIT")
        done += len(rows)
        progress.update(done)
    inserted = time.monotonic()
    index_progress = Progress("SQLite: building indexes", len(indexes), "indexes")
    for number, (_name, sql) in enumerate(indexes, start=1):
        connection.execute(sql)
        index_progress.update(number)
    indexed = time.monotonic()
    connection.execute("ANALYZE")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.close()
    return _timings(total, started, inserted, indexed, time.monotonic(), len(indexes))


def load_postgresql(url: str, population: Population, total: int, batch: int = 50_000) -> dict:
    """Bulk load into the child table of a migrated PostgreSQL database with COPY."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        connection.execute("SET maintenance_work_mem = '512MB'")
        indexes = connection.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'child' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = 'child'::regclass)"
        ).fetchall()
        for name, _definition in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        connection.commit()
        progress, done, started = Progress("PostgreSQL: loading", total), 0, time.monotonic()
        copy_rows = f"COPY child ({', '.join(COLUMNS)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(copy_rows) as copy:
            for rows in batches(population, total, batch):
                for row in rows:
                    copy.write_row(row)
                done += len(rows)
                progress.update(done)
        connection.commit()
        inserted = time.monotonic()
        index_progress = Progress("PostgreSQL: building indexes", len(indexes), "indexes")
        for number, (_name, definition) in enumerate(indexes, start=1):
            connection.execute(definition)
            connection.commit()
            index_progress.update(number)
        indexed = time.monotonic()
        connection.autocommit = True
        connection.execute("VACUUM (ANALYZE) child")
    return _timings(total, started, inserted, indexed, time.monotonic(), len(indexes))


def _timings(total, started, inserted, indexed, finished, index_count) -> dict:
    return {
        "rows": total,
        "insert_s": round(inserted - started, 1),
        "indexes_built": index_count,
        "index_build_s": round(indexed - inserted, 1),
        "analyse_s": round(finished - indexed, 1),
        "total_s": round(finished - started, 1),
        "rows_per_s": round(total / (finished - started)),
        "insert_rows_per_s": round(total / (inserted - started)),
    }
