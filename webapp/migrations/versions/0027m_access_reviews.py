"""access reviews: each quarter a manager attests that their team's access was appropriate
(or not, and why); an attestation never changes; each borough says after how many days a
review is overdue

Create Date: 2026-12-04 06:00:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import (
    allow_update_and_delete,
    create_table,
    on_sqlite,
    reference,
    refuse_update_and_delete,
    unique,
    who_and_when,
)

revision = "0027m"
down_revision = "0027a"

MESSAGE = "an access review is attested once and never changed"


def upgrade() -> None:
    create_table(
        "access_review",
        reference("borough_id", "borough"),
        reference("team_id", "team"),
        sa.Column("quarter_start", sa.Date(), nullable=False),
        sa.Column("appropriate", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        *who_and_when("attested"),
        unique("team_id", "quarter_start"),
    )
    op.create_index(
        "ix_access_review_borough_quarter", "access_review", ["borough_id", "quarter_start"]
    )
    refuse_update_and_delete("access_review", MESSAGE, "access_review_immutable")
    with op.batch_alter_table("borough") as batch:
        batch.add_column(
            sa.Column("access_review_days", sa.Integer(), server_default="30", nullable=False)
        )


def downgrade() -> None:
    # Not a batch: on SQLite the copy would drop the borough table that every other table's
    # foreign keys point at (as in 0025r).
    if on_sqlite():
        op.execute("ALTER TABLE borough DROP COLUMN access_review_days")
    else:
        op.drop_column("borough", "access_review_days")
    allow_update_and_delete("access_review", "access_review_immutable")
    op.drop_index("ix_access_review_borough_quarter", table_name="access_review")
    op.drop_table("access_review")
