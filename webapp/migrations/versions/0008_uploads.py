"""uploaded files, and the signed statement on a consent record

Create Date: 2026-11-24 10:00:00
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

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    create_table(
        "stored_file",
        reference("episode_id", "episode"),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_path", sa.String(length=255), nullable=False),
        *who_and_when("uploaded"),
        unique("stored_path"),
        indexes=("episode_id",),
    )

    add_reference("consent", "signed_statement_id", "stored_file")


def downgrade() -> None:
    drop_reference("consent", "signed_statement_id", "stored_file")

    op.drop_table("stored_file")
