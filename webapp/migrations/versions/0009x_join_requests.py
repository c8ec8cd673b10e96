"""requests to join a team around the child, and the borough a transferred episode came from

Revision ID: 0009x
Revises: 0008
Create Date: 2026-12-02 12:00:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import foreign_key

revision = "0009x"
down_revision = "0008"
branch_labels = None
depends_on = None

JOIN_REQUEST_STATUS = sa.Enum(
    "pending", "approved", "declined", name="joinrequeststatus", native_enum=False, length=32
)


def upgrade() -> None:
    op.create_table(
        "join_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=160), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", JOIN_REQUEST_STATUS, nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_comment", sa.Text(), nullable=False),
        sa.Column("tac_member_id", sa.Integer(), nullable=True),
        sa.Column("sharing_decision_id", sa.Integer(), nullable=True),
        foreign_key("join_request", "decided_by_id", "user_account"),
        foreign_key("join_request", "episode_id", "episode"),
        foreign_key("join_request", "requester_id", "user_account"),
        foreign_key("join_request", "sharing_decision_id", "sharing_decision"),
        foreign_key("join_request", "tac_member_id", "tac_member"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_request")),
    )
    with op.batch_alter_table("join_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_join_request_episode_id"), ["episode_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_join_request_requester_id"), ["requester_id"], unique=False
        )
        batch_op.create_index(
            "uq_join_request_pending",
            ["episode_id", "requester_id"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )

    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.add_column(sa.Column("transferred_from_borough_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_episode_transferred_from_borough_id_borough"),
            "borough",
            ["transferred_from_borough_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_episode_transferred_from_borough_id_borough"), type_="foreignkey"
        )
        batch_op.drop_column("transferred_from_borough_id")

    with op.batch_alter_table("join_request", schema=None) as batch_op:
        batch_op.drop_index("uq_join_request_pending")
        batch_op.drop_index(batch_op.f("ix_join_request_requester_id"))
        batch_op.drop_index(batch_op.f("ix_join_request_episode_id"))
    op.drop_table("join_request")
