"""sessions kept on the server: the cookie carries only an opaque key

Revision ID: 0020v
Revises: 0020s
Create Date: 2026-12-03 13:30:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import foreign_key

revision = "0020v"
down_revision = "0020s"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=200), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_reason", sa.String(length=40), nullable=False),
        foreign_key("sign_in_session", "user_id", "user_account", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_session")),
        sa.UniqueConstraint("key_digest", name=op.f("uq_sign_in_session_key_digest")),
    )
    op.create_index(op.f("ix_sign_in_session_user_id"), "sign_in_session", ["user_id"])
    op.create_index(op.f("ix_sign_in_session_expires_at"), "sign_in_session", ["expires_at"])


def downgrade() -> None:
    op.drop_table("sign_in_session")
