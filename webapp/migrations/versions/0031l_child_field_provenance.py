"""provenance of a child's details: each value a source gave, when, and when it was
superseded (the history, with previous addresses)

Create Date: 2026-12-04 12:30:00
"""

import sqlalchemy as sa

from webapp.migrations.helpers import create_table, drop_tables, reference

revision = "0031l"
down_revision = "0030l"


def upgrade() -> None:
    create_table(
        "child_field_value",
        reference("child_id", "child"),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("said_at", sa.DateTime(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(), nullable=True),
        indexes=("child_id",),
    )


def downgrade() -> None:
    drop_tables("child_field_value")
