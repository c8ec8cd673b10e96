"""child imports: the records each local system's rows feed in the child index, the
national identifiers they carry, and each import run's counts

Revision ID: 0026i
Revises: 0026m
Create Date: 2026-12-03 22:49:00
"""

import sqlalchemy as sa
from alembic import op

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
        sa.ForeignKeyConstraint(
            ["borough_id"], ["borough.id"], name=op.f("fk_child_import_run_borough_id_borough")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_import_run")),
    )
    with op.batch_alter_table("child_import_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_child_import_run_borough_id"), ["borough_id"], unique=False
        )

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
        sa.ForeignKeyConstraint(
            ["borough_id"], ["borough.id"], name=op.f("fk_child_identifier_borough_id_borough")
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_child_identifier_child_id_child")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_identifier")),
        sa.UniqueConstraint(
            "borough_id", "kind", "value", name=op.f("uq_child_identifier_borough_id_kind_value")
        ),
    )
    with op.batch_alter_table("child_identifier", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_child_identifier_child_id"), ["child_id"], unique=False
        )

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
        sa.ForeignKeyConstraint(
            ["borough_id"], ["borough.id"], name=op.f("fk_child_source_record_borough_id_borough")
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_child_source_record_child_id_child")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_source_record")),
        sa.UniqueConstraint(
            "borough_id",
            "source",
            "source_id",
            name=op.f("uq_child_source_record_borough_id_source_source_id"),
        ),
    )
    with op.batch_alter_table("child_source_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_child_source_record_child_id"), ["child_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("child_source_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_child_source_record_child_id"))

    op.drop_table("child_source_record")
    with op.batch_alter_table("child_identifier", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_child_identifier_child_id"))

    op.drop_table("child_identifier")
    with op.batch_alter_table("child_import_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_child_import_run_borough_id"))

    op.drop_table("child_import_run")
