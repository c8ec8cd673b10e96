"""The overlay versions published through the web, merged with the files in `formdefs/`.

Several app processes share one database, so a version published in one is seen by the
others at their next request: `form_library()` asks for the newest published id (one
indexed query per request) and rebuilds the merged library only when it has changed."""

from __future__ import annotations

import logging
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.formadmin.models import OverlayVersion
from webapp.formdefs import FormLibrary
from webapp.formdefs.overlay import overlay_from_dict
from webapp.formdefs.yamlfile import parse_yaml_text

log = logging.getLogger(__name__)
_merged: dict[tuple, FormLibrary] = {}


def source_name(row: OverlayVersion) -> str:
    return f"published in eCAF: {row.borough} {row.form_id} version {row.version}"


def merged(files: FormLibrary, rows: list[OverlayVersion]) -> FormLibrary:
    """`files` with the published rows added (a new library: the files' one is shared)."""
    library = replace(
        files,
        bases=dict(files.bases),
        overlays=dict(files.overlays),
        merged=dict(files.merged),
    )
    for row in rows:
        data, problems = parse_yaml_text(row.source_yaml, source_name(row))
        if not problems:
            problems = library.add_overlay(overlay_from_dict(data, source_name(row)))
        for problem in problems:  # checked when published; only a changed base could do this
            log.error("published overlay %s cannot be used: %s", row.id, problem)
    return library


def library_for(db_session: Session, files: FormLibrary) -> FormLibrary:
    # The newest row's id and time and the count: a database rebuilt or rolled back (ids
    # reused) is never mistaken for the one already merged.
    newest = db_session.execute(
        select(
            func.max(OverlayVersion.id),
            func.count(OverlayVersion.id),
            func.max(OverlayVersion.published_at),
        )
    ).one()
    if newest[0] is None:
        return files
    key = (id(files), *newest)
    if key not in _merged:
        rows = list(db_session.scalars(select(OverlayVersion).order_by(OverlayVersion.id)))
        if len(_merged) > 16:
            _merged.clear()
        _merged[key] = merged(files, rows)
    return _merged[key]
