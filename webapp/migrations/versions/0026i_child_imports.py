"""child imports: the records each local system's rows feed in the child index, the
national identifiers they carry, and each import run's counts

Create Date: 2026-12-03 22:49:00
"""

import sqlalchemy as sa

from webapp.migrations.helpers import create_table, drop_tables, reference, unique

revision = "0026i"
down_revision = "0026m"


def upgrade() -> None:
    create_table(
        "child_import_run",
        reference("borough_id", "borough"),
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
        indexes=("borough_id",),
    )

    create_table(
        "child_identifier",
        reference("borough_id", "borough"),
        reference("child_id", "child"),
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
        unique("borough_id", "kind", "value"),
        indexes=("child_id",),
    )

    create_table(
        "child_source_record",
        reference("borough_id", "borough"),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("source_id", sa.String(length=80), nullable=False),
        reference("child_id", "child"),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("left_at", sa.DateTime(), nullable=True),
        unique("borough_id", "source", "source_id"),
        indexes=("child_id",),
    )


def downgrade() -> None:
    drop_tables("child_source_record", "child_identifier", "child_import_run")
