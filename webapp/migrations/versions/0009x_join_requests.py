"""requests to join a team around the child, and the borough a transferred episode came from

Create Date: 2026-12-02 12:00:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import (
    add_reference,
    create_table,
    create_unique_index_where,
    drop_reference,
    enum,
    reference,
    who_and_when,
)

revision = "0009x"
down_revision = "0008"

JOIN_REQUEST_STATUS = enum("joinrequeststatus", "pending", "approved", "declined")


def upgrade() -> None:
    create_table(
        "join_request",
        reference("episode_id", "episode"),
        reference("requester_id", "user_account"),
        sa.Column("role", sa.String(length=160), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", JOIN_REQUEST_STATUS, nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        *who_and_when("decided", nullable=True),
        sa.Column("decision_comment", sa.Text(), nullable=False),
        reference("tac_member_id", "tac_member", nullable=True),
        reference("sharing_decision_id", "sharing_decision", nullable=True),
        indexes=("episode_id", "requester_id"),
    )
    create_unique_index_where(
        "join_request",
        "uq_join_request_pending",
        ["episode_id", "requester_id"],
        "status = 'pending'",
    )

    add_reference("episode", "transferred_from_borough_id", "borough")


def downgrade() -> None:
    drop_reference("episode", "transferred_from_borough_id", "borough")

    op.drop_table("join_request")
