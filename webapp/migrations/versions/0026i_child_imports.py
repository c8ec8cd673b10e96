"""child imports: the records each local system's rows feed in the child index, the
national identifiers they carry, and each import run's counts

Revision ID: 0026i
Revises: 0026m
Create Date: 2026-12-03 22:49:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_indexes, drop_indexes, foreign_key

revision = "0026i"
down_revision = "0026m"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "child_import_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("borough_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("valid_rows_only", sa.Boolean(), nullable=False),
        sa.Column("refused", sa.Boolean(), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("linked", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("left", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        foreign_key("child_import_run", "borough_id", "borough"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_import_run")),
    )
    create_indexes("child_import_run", "borough_id")

    op.create_table(
        "child_identifier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("borough_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "nhs_number",
                "unique_pupil_number",
                name="identifierkind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("value", sa.String(length=20), nullable=False),
        foreign_key("child_identifier", "borough_id", "borough"),
        foreign_key("child_identifier", "child_id", "child"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_identifier")),
        sa.UniqueConstraint(
            "borough_id", "kind", "value", name=op.f("uq_child_identifier_borough_id_kind_value")
        ),
    )
    create_indexes("child_identifier", "child_id")

    op.create_table(
        "child_source_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("borough_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("source_id", sa.String(length=80), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("left_at", sa.DateTime(), nullable=True),
        foreign_key("child_source_record", "borough_id", "borough"),
        foreign_key("child_source_record", "child_id", "child"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_source_record")),
        sa.UniqueConstraint(
            "borough_id",
            "source",
            "source_id",
            name=op.f("uq_child_source_record_borough_id_source_source_id"),
        ),
    )
    create_indexes("child_source_record", "child_id")


def downgrade() -> None:
    drop_indexes("child_source_record", "child_id")

    op.drop_table("child_source_record")
    drop_indexes("child_identifier", "child_id")

    op.drop_table("child_identifier")
    drop_indexes("child_import_run", "borough_id")

    op.drop_table("child_import_run")
