"""Record linkage for the child index: accuracy against a known truth, and time.

    .venv/bin/python benchmarks/child_linkage.py --records 100000 --records 1000000
    .venv/bin/python benchmarks/child_linkage.py --estimate   # writes the default model
    .venv/bin/python benchmarks/child_linkage.py --import-records 10000   # whole imports

A synthetic population of children (names with a long tail, siblings and twins sharing a
family name and an address) is sent by three sources — a school census, a health system
and early years — each with its own errors: typing errors in names, nicknames, day and
month swapped, a digit wrong in the date, a changed family name, a move, a missing
postcode or sex. The child index starts from the school census; then the health records,
then the early years records, are linked to it exactly as an import does
(webapp/children/linkage.py with the shipped model): the best candidate at or above the
merge threshold merges, one between the thresholds goes to the review queue, anything
else becomes a new child of the index (and can be matched by the next source).

Precision: of the automatic merges, how many join records of the same child. Recall: of
the incoming records whose child was already in the index, how many merged automatically
into it. The review queue's size and how many of its pairs are true are reported beside.
Time: building the tables and Splink's scoring (DuckDB, in process), not generating.
Everything is synthetic. Results: benchmarks/results/child_linkage.json and the section
of benchmarks/README.md."""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import pyarrow

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from child_index_data import GIVEN_ENDINGS, OUTWARD_CODES, SURNAME_ENDINGS, _made_up, _zipf  # noqa: E402
from readme_sections import replace_section  # noqa: E402

from webapp.children import linkage, linkage_estimate, matching  # noqa: E402
from webapp.demo import names  # noqa: E402

START, END = "<!-- child_linkage:start -->", "<!-- child_linkage:end -->"
RESULTS = Path(__file__).with_name("results") / "child_linkage.json"
IMPORTS = Path(__file__).with_name("results") / "child_linkage_imports.json"
README = Path(__file__).with_name("README.md")
# Share of the children each source sends (a child may be in one, two or all three).
SOURCES = (("School census", 0.8), ("Health", 0.85), ("Early years", 0.35))
LETTERS = names.INWARD_LETTERS
NICKNAMES = {
    name: sorted(group - {name}) for name, group in sorted(matching.NAME_VARIANTS_BY_NAME.items())
}


@dataclass(frozen=True)
class Person:
    truth: int
    given: str
    family: str
    born: date
    sex: str
    postcode: str


class Population:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        taken = set(names.FAMILY_NAMES)
        family = [name for name in names.FAMILY_NAMES if name not in {"Ní", "Bhriain"}]
        family += _made_up(self.rng, SURNAME_ENDINGS, 60_000 - len(family), taken)
        self.family = _zipf(family, 10)
        taken = set(names.GIVEN_NAMES_FEMALE) | set(names.GIVEN_NAMES_MALE)
        nicknamed = [name.capitalize() for name in NICKNAMES]
        female = names.GIVEN_NAMES_FEMALE + nicknamed[::2]
        male = names.GIVEN_NAMES_MALE + nicknamed[1::2]
        self.female = _zipf(female + _made_up(self.rng, GIVEN_ENDINGS, 3000, taken), 5)
        self.male = _zipf(male + _made_up(self.rng, GIVEN_ENDINGS, 3000, taken), 5)
        self.today = date(2026, 12, 1)

    def pick(self, pool: tuple[list[str], list[float]]) -> str:
        return self.rng.choices(pool[0], cum_weights=pool[1])[0]

    def postcode(self) -> str:
        rng = self.rng
        return (
            f"{rng.choice(OUTWARD_CODES)} {rng.randint(1, 9)}"
            f"{rng.choice(LETTERS)}{rng.choice(LETTERS)}"
        )

    def people(self, count: int) -> list[Person]:
        """Children in families: a third have a sibling at the same address, and one in a
        hundred a twin (same birthday, same family name, same address)."""
        rng, found = self.rng, []
        while len(found) < count:
            family, postcode = self.pick(self.family), self.postcode()
            born = self.today - timedelta(days=rng.randint(0, 18 * 365))
            for child in range(rng.choice([1, 1, 2, 3])):
                if child and rng.random() < 0.03:
                    pass  # a twin: the same birthday
                elif child:
                    born = self.today - timedelta(days=rng.randint(0, 18 * 365))
                sex = rng.choice(["male", "female"])
                given = self.pick(self.male if sex == "male" else self.female)
                found.append(Person(len(found), given, family, born, sex, postcode))
        return found[:count]

    # Each error a source makes, with how often it makes it.
    def typo(self, word: str) -> str:
        rng = self.rng
        if len(word) < 3:
            return word
        at = rng.randrange(1, len(word))
        kind = rng.random()
        if kind < 0.35:
            return word[:at] + word[at + 1 :]
        if kind < 0.7 and at + 1 < len(word):
            return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        return word[:at] + rng.choice("aeiounrstl") + word[at + 1 :]

    def noisy(self, person: Person) -> Person:
        rng = self.rng
        given, family, born = person.given, person.family, person.born
        sex, postcode = person.sex, person.postcode
        if rng.random() < 0.08 and NICKNAMES.get(given.lower()):
            given = rng.choice(NICKNAMES[given.lower()]).capitalize()
        elif rng.random() < 0.04:
            given = self.typo(given)
        if rng.random() < 0.03:
            family = self.pick(self.family)  # a changed family name
        elif rng.random() < 0.04:
            family = self.typo(family)
        if rng.random() < 0.03 and born.day <= 12 and born.day != born.month:
            born = date(born.year, born.day, born.month)
        elif rng.random() < 0.02:
            day = born.day % 10 + 1 if born.day < 20 else born.day - 10
            born = born.replace(day=day)
        if rng.random() < 0.01:
            sex = "unknown"
        if rng.random() < 0.10:
            postcode = self.postcode()  # moved
        elif rng.random() < 0.05:
            postcode = ""
        return replace(person, given=given, family=family, born=born, sex=sex, postcode=postcode)

    def sources(self, total_records: int) -> list[list[Person]]:
        per_child = sum(share for _, share in SOURCES)
        people = self.people(int(total_records / per_child))
        return [
            [self.noisy(person) for person in people if self.rng.random() < share]
            for _, share in SOURCES
        ]


def _record(person: Person, number: int) -> linkage.LinkRecord:
    return linkage.LinkRecord(
        str(number), person.given, person.family, person.born, person.sex, person.postcode
    )


def _table(records: list[tuple[int, Person]]) -> pyarrow.Table:
    rows = [_record(person, number).features() for number, person in records]
    return pyarrow.table({name: [row[name] for row in rows] for name in rows[0]})


def link_sources(model: linkage.Model, sources: list[list[Person]]) -> dict[str, float]:
    """Link the second and third sources into an index started from the first."""
    truth: dict[int, int] = {}  # record number -> the child it is
    numbered: list[list[tuple[int, Person]]] = []
    number = 0
    for source in sources:
        numbered.append([])
        for person in source:
            number += 1
            truth[number] = person.truth
            numbered[-1].append((number, person))
    index = list(numbered[0])
    index_truths = {person.truth for _, person in index}
    merges = correct = reviews = reviews_true = expected = 0
    seconds = 0.0
    pairs_scored = 0
    for incoming in numbered[1:]:
        started = time.perf_counter()
        pairs = linkage.score_tables(
            model, _table(index), _table(incoming), at_least=model.review_at
        )
        seconds += time.perf_counter() - started
        pairs_scored += len(pairs)
        best = linkage.best_per_incoming(pairs)
        for record_number, person in incoming:
            expected += person.truth in index_truths
            pair = best.get(str(record_number))
            decision = model.decide(pair, shielded=False) if pair else linkage.Decision.NEW
            same = pair is not None and truth[int(pair.index_id)] == person.truth
            if decision is linkage.Decision.MERGE:
                merges += 1
                correct += same
                continue
            if decision is linkage.Decision.REVIEW:
                reviews += 1
                reviews_true += same
            index.append((record_number, person))
        index_truths |= {person.truth for _, person in incoming}
    return {
        "records": number,
        "incoming": sum(len(source) for source in numbered[1:]),
        "merged": merges,
        "precision": correct / merges if merges else 1.0,
        "recall": correct / expected if expected else 1.0,
        "queued": reviews,
        "queued_true": reviews_true,
        "recall_after_review": (correct + reviews_true) / expected if expected else 1.0,
        "linking_seconds": round(seconds, 1),
        "pairs_above_review_threshold": pairs_scored,
    }


def _csv(source: list[Person], prefix: str) -> bytes:
    lines = ["source_id,given_names,family_name,date_of_birth,sex,postcode"]
    lines += [
        f"{prefix}-{person.truth},{person.given},{person.family},{person.born.isoformat()},"
        f"{person.sex},{person.postcode}"
        for person in source
    ]
    return ("\n".join(lines) + "\n").encode()


def run_imports(records: int, seed: int) -> dict[str, object]:
    """The whole import, end to end (reading, checking, linking, writing children, source
    records, provenance, merges and the audit trail), of the first two sources into a
    throw-away SQLite database."""
    import tempfile

    from workflow_engine import build_app

    from tests.factories import make_borough
    from webapp import db
    from webapp.children import imports
    from webapp.children.import_models import ChildImportRun

    sources = Population(seed).sources(records)
    figures: dict[str, object] = {"records": sum(len(source) for source in sources[:2])}
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        with app.app_context():
            borough = make_borough("fenwick")
            db.session.commit()
            for (name, _share), source, prefix in zip(SOURCES, sources[:2], "SH", strict=False):
                request = imports.ImportRequest(borough.id, name, f"{prefix}.csv")
                started = time.perf_counter()
                outcome = imports.import_file(
                    db.session, request, _csv(source, prefix), today=date(2026, 12, 31)
                )
                db.session.commit()
                run: ChildImportRun = outcome.run
                figures[name] = {
                    "rows": run.rows_read,
                    "seconds": round(time.perf_counter() - started, 1),
                    **imports.counts(run),
                }
    return figures


def run_estimate(records: int, seed: int) -> None:
    population = Population(seed)
    sources = population.sources(records)
    everyone = [(number, person) for number, person in enumerate(sum(sources, []), start=1)]
    # The thresholds were chosen on this population's known truth (the README's figures):
    # twins share everything but the given name, so a given name that disagrees never
    # merges by itself.
    model = linkage_estimate.estimate(
        _table(everyone), merge_at=4.0, review_at=-2.0, merge_requires=("given_name",)
    )
    path = linkage.MODELS / f"{linkage.DEFAULT_MODEL}.json"
    linkage_estimate.write(model, path)
    print(f"Estimated on {len(everyone)} synthetic records: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, action="append", help="records in all")
    parser.add_argument("--estimate", action="store_true", help="estimate the default model")
    parser.add_argument("--seed", type=int, default=27)
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument(
        "--import-records", type=int, help="time whole imports of this many records instead"
    )
    arguments = parser.parse_args()
    if arguments.estimate:
        run_estimate(100_000, seed=2026)
        return
    if arguments.import_records:
        figures = run_imports(arguments.import_records, arguments.seed)
        figures["when"] = time.strftime("%Y-%m-%dT%H:%M:%S")
        print(json.dumps(figures), flush=True)
        IMPORTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        if not arguments.no_readme and RESULTS.exists():
            replace_section(README, START, END, _section(json.loads(RESULTS.read_text())))
        return
    model = linkage.load_model()
    results = []
    for records in arguments.records or [100_000]:
        started = time.perf_counter()
        sources = Population(arguments.seed).sources(records)
        generated = time.perf_counter() - started
        figures = link_sources(model, sources)
        figures["generating_seconds"] = round(generated, 1)
        print(json.dumps(figures), flush=True)
        results.append(figures)
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "model": {"merge_at": model.merge_at, "review_at": model.review_at},
        "runs": results,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if not arguments.no_readme:
        replace_section(README, START, END, _section(report))


def _imports_paragraph() -> list[str]:
    """The whole imports' figures (`--import-records`), if measured."""
    if not IMPORTS.exists():
        return []
    figures = json.loads(IMPORTS.read_text())
    runs = [(name, run) for name, run in figures.items() if isinstance(run, dict)]
    first, second = runs[0][1], runs[-1][1]
    said = "; ".join(
        f"{name}: {run['rows']:,} rows in {run['seconds']} s ({run['new']:,} new, "
        f"{run['merged']:,} merged, {run['queued']:,} queued)"
        for name, run in runs
    )
    return [
        f"Whole imports (`--import-records`, {figures['when']}), reading, checking, linking "
        "and writing children, source records, provenance, merges and their audit events "
        f"to a throw-away SQLite database, the first two sources: {said}. The linking is "
        "a small part: the writing, row by row through the ORM, about "
        f"{1000 * first['seconds'] / max(first['rows'], 1):.0f} ms a row for the first "
        f"source and {1000 * second['seconds'] / max(second['rows'], 1):.0f} ms a row for "
        "the second (mostly merges) on this shared machine, is what a national load would "
        "have to batch (not done yet): at this rate a million rows take hours, not minutes.",
        "",
    ]


def _section(report: dict) -> str:
    smallest = min(report["runs"], key=lambda run: run["records"])
    lines = [
        START,
        "## Record linkage of the child index (`benchmarks/child_linkage.py`)",
        "",
        f"Last run {report['when']}: Python {report['python']}, {report['cpus']} CPUs, "
        f"model merge at weight {report['model']['merge_at']}, "
        f"review from {report['model']['review_at']}.",
        "",
        "| records | incoming | merged | precision | recall | queued (true) "
        "| recall after review | linking s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in report["runs"]:
        lines.append(
            f"| {run['records']:,} | {run['incoming']:,} | {run['merged']:,} "
            f"| {run['precision']:.2%} | {run['recall']:.2%} "
            f"| {run['queued']:,} ({run['queued_true']:,}) | {run['recall_after_review']:.2%} "
            f"| {run['linking_seconds']} |"
        )
    lines += [
        "",
        "Precision: of the automatic merges, the share joining records of one child (goal "
        "99.5 %). Recall: of the incoming records whose child was already in the index, the "
        "share merged automatically into it (goal 97 %); after review counts the true pairs "
        "of the queue as a CAF contact answering them rightly would. Linking: Splink's "
        "blocking and scoring on DuckDB in the process (tables built from the records "
        "included; not writing children to the database), for the two later sources against "
        "the index, on this 2-core machine "
        "shared with other work. The queue grows faster than the population: more "
        "children share a name and a birthday by chance, and a pair with only those in "
        "common is queued, not merged.",
        "",
        "12 million: the child index links within a borough (each import is one borough's, "
        "and so is each index it is scored against), so a national load of 12 million is "
        "about 150 boroughs of 80,000 children, each like the smallest run above: at its "
        f"rate, about 150 × {smallest['linking_seconds']} s ≈ "
        f"{150 * smallest['linking_seconds'] / 60:.0f} minutes in one process, less with "
        "boroughs in parallel. One index of 12 million in one DuckDB would scale as from 100,000 "
        "to 1 million (about 12× the time for 10× the records): some 20 minutes, with "
        "memory the limit (use DuckDB's parquet materialisation, or Splink on Spark).",
        "",
        *_imports_paragraph(),
        "Why Splink: it is the maintained Fellegi–Sunter library used across UK government, "
        "estimates m and u without labelled pairs, and runs the same model on DuckDB here "
        "and on Spark at national scale. The model (m, u, prior, thresholds) is "
        "`webapp/children/linkage_models/default.json`, estimated once with `--estimate` on "
        "another synthetic population (seed 2026) than the one measured (seed 27).",
        END,
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
