"""set-password links for new accounts, and why accounts were deactivated or reactivated

Revision ID: 0011u
Revises: 0010f
Create Date: 2026-12-02 01:00:00
"""

import sqlalchemy as sa
from alembic import op

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
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_password_setup_link_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_password_setup_link_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_setup_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_setup_link_token_hash")),
    )
    with op.batch_alter_table("password_setup_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_password_setup_link_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "account_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user_account.id"],
            name=op.f("fk_account_status_change_changed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_account_status_change_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_status_change")),
    )
    with op.batch_alter_table("account_status_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_account_status_change_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("account_status_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_status_change_user_id"))
    op.drop_table("account_status_change")
    with op.batch_alter_table("password_setup_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_setup_link_user_id"))
    op.drop_table("password_setup_link")
