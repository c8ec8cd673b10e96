"""a borough's workflow choices as versions pinned by episodes; Word templates uploaded
through the web

Create Date: 2026-12-02 01:10:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import (
    add_reference,
    create_table,
    drop_reference,
    reference,
    unique,
    who_and_when,
)

revision = "0011c"
down_revision = "0010f"


def upgrade() -> None:
    create_table(
        "workflow_choice_version",
        reference("borough_id", "borough"),
        sa.Column("workflow_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("selections_json", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        *who_and_when("chosen"),
        unique("borough_id", "workflow_id", "version"),
        indexes=("borough_id",),
    )

    add_reference("episode", "workflow_choices_id", "workflow_choice_version")

    create_table(
        "uploaded_template",
        sa.Column("borough", sa.String(length=40), nullable=False),
        sa.Column("document_type", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *who_and_when("uploaded"),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        unique("borough", "document_type", "version"),
        indexes=("borough",),
    )


def downgrade() -> None:
    op.drop_table("uploaded_template")
    drop_reference("episode", "workflow_choices_id", "workflow_choice_version")
    op.drop_table("workflow_choice_version")
