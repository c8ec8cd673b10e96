"""set-password links for new accounts, and why accounts were deactivated or reactivated

Revision ID: 0011u
Revises: 0010f
Create Date: 2026-12-02 01:00:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_indexes, drop_indexes, foreign_key

revision = "0011u"
down_revision = "0010f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "password_setup_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        foreign_key("password_setup_link", "created_by_id", "user_account"),
        foreign_key("password_setup_link", "user_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_setup_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_setup_link_token_hash")),
    )
    create_indexes("password_setup_link", "user_id")

    op.create_table(
        "account_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        foreign_key("account_status_change", "changed_by_id", "user_account"),
        foreign_key("account_status_change", "user_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_status_change")),
    )
    create_indexes("account_status_change", "user_id")


def downgrade() -> None:
    drop_indexes("account_status_change", "user_id")
    op.drop_table("account_status_change")
    drop_indexes("password_setup_link", "user_id")
    op.drop_table("password_setup_link")
