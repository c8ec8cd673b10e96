"""consent reviews: who reviewed a consent with the family, when, and the outcome

Revision ID: 0011g
Revises: 0010f
Create Date: 2026-12-02 01:20:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_indexes, drop_indexes, foreign_key

revision = "0011g"
down_revision = "0010f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum("still_agreed", "withdraw", name="reviewoutcome", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        foreign_key("consent_review", "consent_id", "consent"),
        foreign_key("consent_review", "reviewed_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_review")),
    )
    create_indexes("consent_review", "consent_id")


def downgrade() -> None:
    drop_indexes("consent_review", "consent_id")
    op.drop_table("consent_review")
