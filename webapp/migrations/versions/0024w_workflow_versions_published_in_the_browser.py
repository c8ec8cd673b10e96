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
    drop_indexes,
    foreign_key,
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
        sa.Column("source_yaml", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        foreign_key("workflow_override_draft", "created_by_id", "user_account"),
        foreign_key("workflow_override_draft", "submitted_by_id", "user_account"),
        foreign_key("workflow_override_draft", "updated_by_id", "user_account"),
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

    op.create_table(
        "workflow_override_draft_transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("dest", sa.String(length=40), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        foreign_key("workflow_override_draft_transition", "actor_id", "user_account"),
        foreign_key("workflow_override_draft_transition", "draft_id", "workflow_override_draft"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_override_draft_transition")),
    )
    create_indexes("workflow_override_draft_transition", "draft_id")

    op.create_table(
        "workflow_override_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("borough", sa.String(length=40), nullable=False),
        sa.Column("workflow_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("extends_id", sa.String(length=80), nullable=False),
        sa.Column("extends_version", sa.Integer(), nullable=False),
        sa.Column("source_yaml", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        foreign_key("workflow_override_version", "approved_by_id", "user_account"),
        foreign_key("workflow_override_version", "draft_id", "workflow_override_draft"),
        foreign_key("workflow_override_version", "published_by_id", "user_account"),
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
