"""The models and the migrations must describe the same schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from webapp import db
from webapp.migrations import runner
from webapp.models import metadata


def test_models_and_migrations_have_not_drifted_apart(app):
    engine = db.engine_for(app)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_as_batch": engine.dialect.name == "sqlite"},
        )
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_every_model_table_exists_after_migrating(app):
    tables = set(inspect(db.engine_for(app)).get_table_names())
    assert set(metadata.tables) <= tables


def test_migrations_downgrade_to_base_and_upgrade_again(app):
    engine = db.engine_for(app)
    runner.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    runner.upgrade(engine)
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())
