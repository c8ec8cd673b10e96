"""section drafts: what a person was typing on a form section, kept apart from the saved
answers for its author alone until saved, discarded or expired

Create Date: 2026-12-04 06:45:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_table, reference, unique

revision = "0028t"
down_revision = "0028m"


def upgrade() -> None:
    create_table(
        "form_section_draft",
        reference("response_id", "form_response", ondelete="CASCADE"),
        sa.Column("section_id", sa.String(length=80), nullable=False),
        reference("user_id", "user_account"),
        sa.Column("answers_json", sa.Text(), nullable=False),
        sa.Column("section_version", sa.Integer(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        unique("response_id", "section_id", "user_id"),
        indexes=("response_id", "user_id", "expires_at"),
    )


def downgrade() -> None:
    op.drop_table("form_section_draft")
