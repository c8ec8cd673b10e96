"""section drafts: what a person was typing on a form section, kept apart from the saved
answers for its author alone until saved, discarded or expired

Revision ID: 0028t
Revises: 0028m
Create Date: 2026-12-04 06:45:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_indexes, drop_indexes, foreign_key

revision = "0028t"
down_revision = "0028m"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_section_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.String(length=80), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("answers_json", sa.Text(), nullable=False),
        sa.Column("section_version", sa.Integer(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        foreign_key("form_section_draft", "response_id", "form_response", ondelete="CASCADE"),
        foreign_key("form_section_draft", "user_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_section_draft")),
        sa.UniqueConstraint(
            "response_id",
            "section_id",
            "user_id",
            name=op.f("uq_form_section_draft_response_id_section_id_user_id"),
        ),
    )
    create_indexes("form_section_draft", "response_id", "user_id", "expires_at")


def downgrade() -> None:
    drop_indexes("form_section_draft", "response_id", "user_id", "expires_at")
    op.drop_table("form_section_draft")
