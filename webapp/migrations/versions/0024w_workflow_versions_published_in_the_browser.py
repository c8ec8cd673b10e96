"""workflow versions drafted and published in the browser; a published version can never be
changed or removed (a trigger refuses both, on SQLite and PostgreSQL)

Revision ID: 0024w
Revises: 0023m
Create Date: 2026-12-03 22:10:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import (
    allow_update_and_delete,
    create_indexes,
    create_publication_steps,
    drop_indexes,
    publication_draft_columns,
    published_version_columns,
    refuse_update_and_delete,
)

revision = "0024w"
down_revision = "0023m"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workflow_override_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.String(length=80), nullable=False),
        sa.Column("starts_from_version", sa.Integer(), nullable=True),
        sa.Column("borough", sa.String(length=40), nullable=False),
        *publication_draft_columns("workflow_override_draft"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_override_draft")),
    )
    with op.batch_alter_table("workflow_override_draft", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workflow_override_draft_borough"), ["borough"], unique=False
        )
        batch_op.create_index(
            "uq_workflow_override_draft_open",
            ["borough"],
            unique=True,
            sqlite_where=sa.text("state IN ('draft', 'awaiting_approval')"),
            postgresql_where=sa.text("state IN ('draft', 'awaiting_approval')"),
        )

    create_publication_steps("workflow_override_draft_transition", "workflow_override_draft")

    op.create_table(
        "workflow_override_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("borough", sa.String(length=40), nullable=False),
        sa.Column("workflow_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("extends_id", sa.String(length=80), nullable=False),
        sa.Column("extends_version", sa.Integer(), nullable=False),
        *published_version_columns("workflow_override_version", "workflow_override_draft"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_override_version")),
        sa.UniqueConstraint(
            "workflow_id", "version", name=op.f("uq_workflow_override_version_workflow_id_version")
        ),
    )
    create_indexes("workflow_override_version", "borough")

    _create_immutability_trigger()


def downgrade() -> None:
    _drop_immutability_trigger()
    drop_indexes("workflow_override_version", "borough")

    op.drop_table("workflow_override_version")
    drop_indexes("workflow_override_draft_transition", "draft_id")

    op.drop_table("workflow_override_draft_transition")
    with op.batch_alter_table("workflow_override_draft", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_workflow_override_draft_open",
            sqlite_where=sa.text("state IN ('draft', 'awaiting_approval')"),
            postgresql_where=sa.text("state IN ('draft', 'awaiting_approval')"),
        )
        batch_op.drop_index(batch_op.f("ix_workflow_override_draft_borough"))

    op.drop_table("workflow_override_draft")


MESSAGE = "a published workflow version never changes: publish a new version"


def _create_immutability_trigger() -> None:
    refuse_update_and_delete(
        "workflow_override_version", MESSAGE, "workflow_override_version_immutable"
    )


def _drop_immutability_trigger() -> None:
    allow_update_and_delete("workflow_override_version", "workflow_override_version_immutable")
