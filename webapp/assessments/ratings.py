"""How the needs a form rates stand, as one figure: what reports measure the distance a
child has travelled by.

A form definition says which questions rate a need (`rating_scale: true` on a radios
question, its options from the worst to the best); the plan, each review and the closure
rate every need on it. A completed form's figure is the mean of its ratings, each as a
share of its own scale (0 for the worst option, 1 for the best), or None when it rates no
need. Plain Python: nothing here knows about the database or requests."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from webapp.formdefs import Field, FormDefinition


def _rated(fields: tuple[Field, ...], answers: Mapping[str, Any]) -> Iterator[float]:
    for field in fields:
        if field.hidden:
            continue
        if field.fields:  # a repeating group: each item rates its own need
            for item in answers.get(field.id) or []:
                if isinstance(item, Mapping):
                    yield from _rated(field.fields, item)
        elif field.rating_scale:
            values = [option.value for option in field.choices]
            answer = answers.get(field.id)
            if answer in values and len(values) > 1:
                yield values.index(answer) / (len(values) - 1)


def needs_rating(form: FormDefinition, answers: Mapping[str, Any]) -> float | None:
    """The mean of the form's need ratings, from 0 (all at the worst) to 1 (all at the
    best); None when it rates none."""
    ratings = [rating for section in form.sections for rating in _rated(section.fields, answers)]
    return sum(ratings) / len(ratings) if ratings else None
