"""two-factor sign-in: a TOTP secret (encrypted) and the last step used on each account,
recovery codes (argon2 digests), sign-ins waiting for their second step, and whether a
borough requires it (it does unless it says otherwise)

Create Date: 2026-12-03 12:30:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_table, reference, unique

revision = "0020t"
down_revision = "0019p"


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN on every database: on SQLite a batch operation would
    # copy user_account and borough, which every foreign key pointing at them forbids.
    op.add_column("user_account", sa.Column("totp_secret", sa.String(length=255), nullable=True))
    op.add_column("user_account", sa.Column("two_factor_enrolled_at", sa.DateTime(), nullable=True))
    op.add_column("user_account", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    # Every borough there is requires it, as a new one does.
    op.add_column(
        "borough",
        sa.Column("two_factor_required", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    create_table(
        "recovery_code",
        reference("user_id", "user_account", ondelete="CASCADE"),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        indexes=("user_id",),
    )
    create_table(
        "two_factor_challenge",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        reference("user_id", "user_account", ondelete="CASCADE"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("next_path", sa.String(length=500), nullable=False),
        sa.Column("pending_secret", sa.String(length=255), nullable=True),
        unique("token_hash"),
        indexes=("user_id",),
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_two_factor_challenge_user_id"), table_name="two_factor_challenge")
    op.drop_table("two_factor_challenge")
    op.drop_index(op.f("ix_recovery_code_user_id"), table_name="recovery_code")
    op.drop_table("recovery_code")
    # SQLite drops a column without copying the table (3.35 and later).
    op.drop_column("borough", "two_factor_required")
    op.drop_column("user_account", "totp_last_step")
    op.drop_column("user_account", "two_factor_enrolled_at")
    op.drop_column("user_account", "totp_secret")
