"""overlay drafts and the form versions published from them through the web

Create Date: 2026-12-02 00:20:00
"""

import sqlalchemy as sa

from webapp.migrations.helpers import (
    create_publication_steps,
    create_table,
    drop_tables,
    publication_draft_columns,
    published_version_columns,
    unique,
)

revision = "0010f"
down_revision = "0009w"


def upgrade() -> None:
    create_table(
        "form_overlay_draft",
        sa.Column("borough", sa.String(length=40), nullable=False),
        sa.Column("form_id", sa.String(length=80), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("starts_from_version", sa.Integer(), nullable=True),
        *publication_draft_columns(),
        indexes=("borough",),
    )

    create_publication_steps("form_overlay_draft_transition", "form_overlay_draft")

    create_table(
        "form_overlay_version",
        sa.Column("borough", sa.String(length=40), nullable=False),
        sa.Column("form_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        *published_version_columns("form_overlay_draft"),
        unique("borough", "form_id", "version"),
        indexes=("borough",),
    )


def downgrade() -> None:
    drop_tables("form_overlay_version", "form_overlay_draft_transition", "form_overlay_draft")
