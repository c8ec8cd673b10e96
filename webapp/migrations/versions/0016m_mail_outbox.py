"""the e-mail outbox, and set-password links for resetting a forgotten password

Create Date: 2026-12-04 09:00:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_table, reference

revision = "0016m"
down_revision = "0015"


def upgrade() -> None:
    create_table(
        "outbox_message",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        reference("recipient_user_id", "user_account", nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=True),
        sa.Column("html_body", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=False),
    )
    op.create_index("ix_outbox_message_due", "outbox_message", ["status", "next_attempt_at"])
    op.create_index(
        op.f("ix_outbox_message_created_at"), "outbox_message", ["created_at"], unique=False
    )
    op.create_index(
        op.f("ix_outbox_message_recipient_user_id"),
        "outbox_message",
        ["recipient_user_id"],
        unique=False,
    )
    with op.batch_alter_table("password_setup_link") as batch:
        batch.add_column(
            sa.Column("purpose", sa.String(length=16), nullable=False, server_default="set_up")
        )


def downgrade() -> None:
    with op.batch_alter_table("password_setup_link") as batch:
        batch.drop_column("purpose")
    op.drop_index(op.f("ix_outbox_message_recipient_user_id"), table_name="outbox_message")
    op.drop_index(op.f("ix_outbox_message_created_at"), table_name="outbox_message")
    op.drop_index("ix_outbox_message_due", table_name="outbox_message")
    op.drop_table("outbox_message")
