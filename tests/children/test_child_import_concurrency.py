"""Two runs of one source's file at the same moment, each on its own thread, connection and
transaction: the second waits for the first and finds every row unchanged, so each child is
in the index once."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from tests.children.test_child_import import AMELIA, ELLIS, HEADER, NOAH
from tests.factories import make_borough
from webapp import db
from webapp.children import imports
from webapp.children.import_models import ChildImportRun, ChildSourceRecord
from webapp.children.models import Child


def test_two_runs_of_a_source_at_once_import_each_child_once(app):
    borough = make_borough("fenwick")
    db.session.commit()
    content = "\n".join([HEADER, AMELIA, NOAH, ELLIS]).encode()
    request = imports.ImportRequest(borough.id, "School census", "census.csv")
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def run() -> None:
        with app.app_context():
            barrier.wait(timeout=60)
            try:
                imports.import_file(db.session, request, content, today=date.today())
                db.session.commit()
            except Exception as error:  # reported by the assertion below, not lost
                db.session.rollback()
                errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert db.session.scalar(select(func.count()).select_from(Child)) == 3
    assert db.session.scalar(select(func.count()).select_from(ChildSourceRecord)) == 3
    runs = db.session.scalars(select(ChildImportRun).order_by(ChildImportRun.id)).all()
    assert sorted((run.new, run.unchanged) for run in runs) == [(0, 3), (3, 0)]
