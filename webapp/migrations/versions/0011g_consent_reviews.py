"""consent reviews: who reviewed a consent with the family, when, and the outcome

Create Date: 2026-12-02 01:20:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_table, enum, reference

revision = "0011g"
down_revision = "0010f"


def upgrade() -> None:
    create_table(
        "consent_review",
        reference("consent_id", "consent"),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column(
            "outcome",
            enum("reviewoutcome", "still_agreed", "withdraw"),
            nullable=False,
        ),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        reference("reviewed_by_id", "user_account"),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        indexes=("consent_id",),
    )


def downgrade() -> None:
    op.drop_table("consent_review")
