"""sessions kept on the server: the cookie carries only an opaque key

Create Date: 2026-12-03 13:30:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_table, reference, unique

revision = "0020v"
down_revision = "0020s"


def upgrade() -> None:
    create_table(
        "sign_in_session",
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        reference("user_id", "user_account", nullable=True, ondelete="CASCADE"),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=200), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_reason", sa.String(length=40), nullable=False),
        unique("key_digest"),
        indexes=("user_id", "expires_at"),
    )


def downgrade() -> None:
    op.drop_table("sign_in_session")
