"""overlay drafts and the form versions published from them through the web

Revision ID: 0010f
Revises: 0009w
Create Date: 2026-12-02 00:20:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_indexes, drop_indexes, foreign_key

revision = "0010f"
down_revision = "0009w"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_overlay_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("borough", sa.String(length=40), nullable=False),
        sa.Column("form_id", sa.String(length=80), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("starts_from_version", sa.Integer(), nullable=True),
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
        foreign_key("form_overlay_draft", "created_by_id", "user_account"),
        foreign_key("form_overlay_draft", "submitted_by_id", "user_account"),
        foreign_key("form_overlay_draft", "updated_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_overlay_draft")),
    )
    create_indexes("form_overlay_draft", "borough")

    op.create_table(
        "form_overlay_draft_transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("dest", sa.String(length=40), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        foreign_key("form_overlay_draft_transition", "actor_id", "user_account"),
        foreign_key("form_overlay_draft_transition", "draft_id", "form_overlay_draft"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_overlay_draft_transition")),
    )
    create_indexes("form_overlay_draft_transition", "draft_id")

    op.create_table(
        "form_overlay_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("borough", sa.String(length=40), nullable=False),
        sa.Column("form_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("source_yaml", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        foreign_key("form_overlay_version", "approved_by_id", "user_account"),
        foreign_key("form_overlay_version", "draft_id", "form_overlay_draft"),
        foreign_key("form_overlay_version", "published_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_overlay_version")),
        sa.UniqueConstraint(
            "borough",
            "form_id",
            "version",
            name=op.f("uq_form_overlay_version_borough_form_id_version"),
        ),
    )
    create_indexes("form_overlay_version", "borough")


def downgrade() -> None:
    drop_indexes("form_overlay_version", "borough")

    op.drop_table("form_overlay_version")
    drop_indexes("form_overlay_draft_transition", "draft_id")

    op.drop_table("form_overlay_draft_transition")
    drop_indexes("form_overlay_draft", "borough")

    op.drop_table("form_overlay_draft")
