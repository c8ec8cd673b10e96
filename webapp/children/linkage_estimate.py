"""Estimating a linkage model once (webapp/children/linkage.py), never during an import.

The comparisons say how each field can agree: exactly, as an everyday variant of a given
name, with a typing error, with day and month swapped, in the same postcode district. The
blocking rules say which pairs are compared at all: each kind of error the model forgives
leaves at least one rule that still brings the two records together. Splink estimates the
u probabilities by sampling random pairs and the m probabilities by expectation
maximisation, without labels, as a borough would on its own records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow


def _levels(column: str, *agreeing: tuple[str, str]) -> list[dict[str, Any]]:
    levels: list[dict[str, Any]] = [
        {
            "sql_condition": f'"{column}_l" IS NULL OR "{column}_r" IS NULL',
            "label_for_charts": "Not known in one of them",
            "is_null_level": True,
        }
    ]
    levels += [{"sql_condition": sql, "label_for_charts": title} for sql, title in agreeing]
    levels.append({"sql_condition": "ELSE", "label_for_charts": "Different"})
    return levels


def _name_levels(column: str, *extra: tuple[str, str]) -> list[dict[str, Any]]:
    def similar(at_least: float) -> str:
        return f'jaro_winkler_similarity("{column}_l", "{column}_r") >= {at_least}'

    return _levels(
        column,
        (f'"{column}_l" = "{column}_r"', "The same"),
        *extra,
        (similar(0.92), "Nearly the same (a typing error)"),
        (similar(0.8), "Similar"),
    )


SWAPPED = (
    'substr("dob_l", 1, 4) = substr("dob_r", 1, 4) '
    'AND substr("dob_l", 6, 2) = substr("dob_r", 9, 2) '
    'AND substr("dob_l", 9, 2) = substr("dob_r", 6, 2)'
)


def base_settings() -> dict[str, Any]:
    """The model's shape, before its probabilities are estimated."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "record_id",
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
        "blocking_rules_to_generate_predictions": [
            'l."dob" = r."dob" AND substr(l."given_name", 1, 1) = substr(r."given_name", 1, 1)',
            'l."dob" = r."dob" AND substr(l."family_name", 1, 2) = substr(r."family_name", 1, 2)',
            'l."family_name" = r."family_name" AND l."given_canonical" = r."given_canonical"',
            'l."postcode" = r."postcode" AND l."given_canonical" = r."given_canonical"',
        ],
        "comparisons": [
            {
                "output_column_name": "given_name",
                "comparison_description": "Given name",
                "comparison_levels": _name_levels(
                    "given_name",
                    (
                        '"given_canonical_l" = "given_canonical_r"',
                        "Everyday variants of one name",
                    ),
                ),
            },
            {
                "output_column_name": "family_name",
                "comparison_description": "Family name",
                "comparison_levels": _name_levels("family_name"),
            },
            {
                "output_column_name": "dob",
                "comparison_description": "Date of birth",
                "comparison_levels": _levels(
                    "dob",
                    ('"dob_l" = "dob_r"', "The same"),
                    (SWAPPED, "Day and month swapped"),
                    ('damerau_levenshtein("dob_l", "dob_r") <= 1', "One digit different"),
                    ('substr("dob_l", 1, 7) = substr("dob_r", 1, 7)', "Same month and year"),
                ),
            },
            {
                "output_column_name": "sex",
                "comparison_description": "Sex",
                "comparison_levels": _levels("sex", ('"sex_l" = "sex_r"', "The same")),
            },
            {
                "output_column_name": "postcode",
                "comparison_description": "Postcode",
                "comparison_levels": _levels(
                    "postcode",
                    ('"postcode_l" = "postcode_r"', "The same"),
                    ('"postcode_district_l" = "postcode_district_r"', "Same district"),
                ),
            },
        ],
    }


def estimate(
    records: pyarrow.Table,
    *,
    merge_at: float,
    review_at: float,
    merge_requires: tuple[str, ...] = (),
    seed: int = 2026,
) -> dict[str, Any]:
    """Estimate the model on a table of records (LinkRecord.features() rows) holding some
    duplicates, and return it as the model file's content."""
    import duckdb
    from splink import DuckDBAPI, Linker

    connection = duckdb.connect(":memory:")
    try:
        db_api = DuckDBAPI(connection)
        table = db_api.register(records, table_name="records")
        linker = Linker(table, base_settings(), log_level=None)
        linker.training.estimate_probability_two_random_records_match(
            [
                'l."dob" = r."dob" AND l."family_name" = r."family_name" '
                'AND l."given_canonical" = r."given_canonical"'
            ],
            recall=0.7,
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=3_000_000, seed=seed)
        linker.training.estimate_parameters_using_expectation_maximisation(
            'l."dob" = r."dob"', estimate_without_term_frequencies=True
        )
        linker.training.estimate_parameters_using_expectation_maximisation(
            'l."family_name" = r."family_name" AND l."given_canonical" = r."given_canonical"',
            estimate_without_term_frequencies=True,
        )
        model = linker.misc.save_model_to_json()
    finally:
        connection.close()
    model.pop("linker_uid", None)  # random on each run: not part of the model
    model["ecaf_thresholds"] = {
        "merge_at": merge_at,
        "review_at": review_at,
        "merge_requires": list(merge_requires),
    }
    return model


def write(model: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model, indent=2, sort_keys=True) + "\n", encoding="utf-8")
