"""set-password links for new accounts, and why accounts were deactivated or reactivated

Create Date: 2026-12-02 01:00:00
"""

import sqlalchemy as sa

from webapp.migrations.helpers import create_table, drop_tables, reference, unique, who_and_when

revision = "0011u"
down_revision = "0010f"


def upgrade() -> None:
    create_table(
        "password_setup_link",
        reference("user_id", "user_account"),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        reference("created_by_id", "user_account", nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        unique("token_hash"),
        indexes=("user_id",),
    )

    create_table(
        "account_status_change",
        reference("user_id", "user_account"),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        *who_and_when("changed"),
        indexes=("user_id",),
    )


def downgrade() -> None:
    drop_tables("account_status_change", "password_setup_link")
