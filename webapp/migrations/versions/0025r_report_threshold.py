"""reports: each borough's small-number suppression threshold

Create Date: 2026-12-03 23:00:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import on_sqlite

revision = "0025r"
down_revision = "0025m"


def upgrade() -> None:
    with op.batch_alter_table("borough") as batch:
        batch.add_column(
            sa.Column("report_threshold", sa.Integer(), server_default="5", nullable=False)
        )


def downgrade() -> None:
    # Not a batch (which would copy the table): on SQLite the copy drops the borough table
    # that every other table's foreign keys point at. SQLite drops a plain column itself.
    if on_sqlite():
        op.execute("ALTER TABLE borough DROP COLUMN report_threshold")
    else:
        op.drop_column("borough", "report_threshold")
