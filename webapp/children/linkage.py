"""Probabilistic record linkage for the child index (Fellegi–Sunter, with Splink on DuckDB).

A row from a source that neither its source identifier nor an NHS number or unique pupil
number ties to a child is scored against the borough's children on given name, family
name, date of birth, sex and postcode. The model — each field's m and u probabilities, the
prior and the two thresholds — is data: `linkage_models/default.json`, estimated once on a
synthetic population (benchmarks/child_linkage.py --estimate), or `<borough code>.json`
beside it for a borough that estimated its own. An import never retrains.

Splink is the linkage library used across UK government; it runs here inside the process
on DuckDB, so no server is needed, and the same model runs on Spark for national volumes.
This module knows nothing of the database: it takes plain records and returns scored
pairs."""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pyarrow

from webapp.children import matching

MODELS = Path(__file__).with_name("linkage_models")
DEFAULT_MODEL = "default"
# Splink's own progress messages are not the application's: keep them to warnings.
logging.getLogger("splink").setLevel(logging.WARNING)


class Decision(StrEnum):
    MERGE = "merge"
    REVIEW = "review"
    NEW = "new"


@dataclass(frozen=True)
class LinkRecord:
    """What linkage compares of a child or of an incoming row."""

    record_id: str
    given_names: str
    family_name: str
    date_of_birth: date | None
    sex: str
    postcode: str

    def features(self) -> dict[str, str | None]:
        given = matching.normalise(self.given_names).split()
        family = matching.normalise(self.family_name).replace(" ", "")
        first_given = given[0] if given else ""
        postcode = self.postcode.upper().strip()
        return {
            "record_id": self.record_id,
            "given_name": first_given or None,
            "given_canonical": canonical_given_name(first_given) or None,
            "family_name": family or None,
            "dob": self.date_of_birth.isoformat() if self.date_of_birth else None,
            "sex": self.sex if self.sex in ("male", "female") else None,
            "postcode": postcode or None,
            "postcode_district": postcode.split(" ")[0] if postcode else None,
        }


def canonical_given_name(name: str) -> str:
    """One spelling for the names of a group of everyday variants ('Bill' -> 'bill' ->
    'william'), so a nickname agrees with the full name."""
    group = matching.NAME_VARIANTS_BY_NAME.get(name)
    return min(group) if group else name


@dataclass(frozen=True)
class Model:
    """A borough's linkage model: Splink's settings (with the estimated m and u
    probabilities) and the thresholds on the match weight."""

    name: str
    settings: dict[str, Any]
    merge_at: float  # a pair at or above this match weight merges (unless shielded)
    review_at: float  # between review_at and merge_at it goes to the review queue
    merge_requires: tuple[str, ...] = ()  # comparisons that must not disagree for a merge

    def decide(self, pair: ScoredPair, *, shielded: bool) -> Decision:
        """Merge, review or a new child. A pair whose fields named in `merge_requires`
        disagree (twins have everything but the given name in common) is only ever
        reviewed, as is any pair with a shielded child."""
        agrees = all(pair.weights.get(name, 0) >= 0 for name in self.merge_requires)
        if pair.match_weight >= self.merge_at and agrees and not shielded:
            return Decision.MERGE
        if pair.match_weight >= self.review_at:
            return Decision.REVIEW
        return Decision.NEW

    def level_title(self, comparison: str, weight: float) -> str:
        """The title of the comparison level a pair's weight for one field comes from, like
        'Day and month swapped'."""
        for item in self.settings["comparisons"]:
            if item["output_column_name"] == comparison:
                levels = item["comparison_levels"]
                if weight == 0:
                    return levels[0]["label_for_charts"]
                return min(
                    levels[1:],
                    key=lambda level: abs(
                        math.log2(level["m_probability"] / level["u_probability"]) - weight
                    ),
                )["label_for_charts"]
        return ""


def load_model(borough_code: str | None = None, folder: Path = MODELS) -> Model:
    """The borough's own model if it has one, else the default."""
    path = folder / f"{borough_code}.json"
    if borough_code is None or not path.exists():
        path = folder / f"{DEFAULT_MODEL}.json"
    return _read_model(path)


@cache
def _read_model(path: Path) -> Model:
    data = json.loads(path.read_text(encoding="utf-8"))
    thresholds = data.pop("ecaf_thresholds")
    return Model(
        path.stem,
        data,
        float(thresholds["merge_at"]),
        float(thresholds["review_at"]),
        tuple(thresholds.get("merge_requires", ())),
    )


@dataclass(frozen=True)
class ScoredPair:
    index_id: str
    incoming_id: str
    match_weight: float
    match_probability: float
    # comparison name -> its match weight: above 0 agrees, below 0 disagrees, 0 not known
    weights: dict[str, float]


COMPARED = ("given_name", "family_name", "dob", "sex", "postcode")


def _table(records: list[LinkRecord]) -> pyarrow.Table:
    rows = [record.features() for record in records]
    names = list(LinkRecord("", "", "", None, "", "").features())
    return pyarrow.table({name: [row[name] for row in rows] for name in names})


def score(
    model: Model, index: list[LinkRecord], incoming: list[LinkRecord], *, at_least: float
) -> list[ScoredPair]:
    """Every pair of an index record and an incoming record that the model's blocking rules
    bring together and whose match weight is at least `at_least`."""
    if not index or not incoming:
        return []
    return score_tables(model, _table(index), _table(incoming), at_least=at_least)


def score_within(model: Model, index: list[LinkRecord], *, at_least: float) -> list[ScoredPair]:
    """Every pair of records of the index itself that may be of one child (likely
    duplicates), each pair once, with its match weight."""
    if len(index) < 2:
        return []
    return score_tables(model, _table(index), None, at_least=at_least)


def score_tables(
    model: Model, index: pyarrow.Table, incoming: pyarrow.Table | None, *, at_least: float
) -> list[ScoredPair]:
    """As score(), from tables already built (the benchmark builds millions of rows); with
    no incoming table, as score_within()."""
    from splink import DuckDBAPI, Linker

    connection = duckdb.connect(":memory:")
    try:
        db_api = DuckDBAPI(connection)
        left = db_api.register(index, table_name="child_index")
        linker = Linker(left, dict(model.settings), log_level=None)
        if incoming is None:
            predictions = linker.inference.predict(
                threshold_match_weight=at_least, warning_mode="never"
            )
        else:
            right = db_api.register(incoming, table_name="incoming")
            predictions = linker.inference.predict_between(
                left, right, threshold_match_weight=at_least, warning_mode="never"
            )
        weights = [f"mw_{name}" for name in COMPARED]
        columns = ["record_id_l", "record_id_r", "match_weight", "match_probability", *weights]
        found = predictions.as_duckdbpyrelation().select(*columns).fetchall()
    finally:
        connection.close()
    return [
        ScoredPair(
            str(row[0]),
            str(row[1]),
            float(row[2]),
            float(row[3]),
            dict(zip(COMPARED, (float(value) for value in row[4:]), strict=True)),
        )
        for row in found
    ]


def best_per_incoming(pairs: list[ScoredPair]) -> dict[str, ScoredPair]:
    """Each incoming record's best-scored index record."""
    best: dict[str, ScoredPair] = {}
    for pair in pairs:
        current = best.get(pair.incoming_id)
        if current is None or pair.match_weight > current.match_weight:
            best[pair.incoming_id] = pair
    return best
