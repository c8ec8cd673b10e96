"""overlay drafts and the form versions published from them through the web

Revision ID: 0010f
Revises: 0009w
Create Date: 2026-12-02 00:20:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import (
    create_indexes,
    create_publication_steps,
    drop_indexes,
    publication_draft_columns,
    published_version_columns,
)

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
        *publication_draft_columns("form_overlay_draft"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_overlay_draft")),
    )
    create_indexes("form_overlay_draft", "borough")

    create_publication_steps("form_overlay_draft_transition", "form_overlay_draft")

    op.create_table(
        "form_overlay_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("borough", sa.String(length=40), nullable=False),
        sa.Column("form_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        *published_version_columns("form_overlay_version", "form_overlay_draft"),
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
