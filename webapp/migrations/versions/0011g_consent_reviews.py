"""consent reviews: who reviewed a consent with the family, when, and the outcome

Revision ID: 0011g
Revises: 0010f
Create Date: 2026-12-02 01:20:00
"""

import sqlalchemy as sa
from alembic import op

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
        sa.ForeignKeyConstraint(
            ["consent_id"], ["consent.id"], name=op.f("fk_consent_review_consent_id_consent")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["user_account.id"],
            name=op.f("fk_consent_review_reviewed_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_review")),
    )
    with op.batch_alter_table("consent_review", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_review_consent_id"), ["consent_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("consent_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_review_consent_id"))
    op.drop_table("consent_review")
