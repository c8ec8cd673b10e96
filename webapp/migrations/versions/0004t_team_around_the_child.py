"""team around the child, lead professional changes and involvements

Create Date: 2026-11-23 18:30:00
"""

import sqlalchemy as sa

from webapp.migrations.helpers import (
    add_reference,
    create_table,
    drop_reference,
    drop_tables,
    enum,
    reference,
    who_and_when,
)

revision = "0004t"
down_revision = "0003a"

MEMBER_KIND = enum("memberkind", "practitioner", "child", "parent_carer", "other")
MEMBER_STATUS = enum("memberstatus", "invited", "active", "declined", "removed")
HANDOVER_STATUS = enum("handoverstatus", "proposed", "accepted", "declined")


def upgrade() -> None:
    create_table(
        "tac_member",
        reference("episode_id", "episode"),
        sa.Column("kind", MEMBER_KIND, nullable=False),
        sa.Column("status", MEMBER_STATUS, nullable=False),
        reference("user_id", "user_account", nullable=True),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("role", sa.String(length=160), nullable=False),
        reference("organisation_id", "organisation", nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        *who_and_when("invited"),
        sa.Column("responded_at", sa.DateTime(), nullable=True),
        *who_and_when("removed", nullable=True, time_first=True),
        sa.Column("removal_reason", sa.Text(), nullable=False),
        indexes=("episode_id", "user_id"),
    )

    create_table(
        "lead_professional_change",
        reference("episode_id", "episode"),
        reference("from_member_id", "tac_member", nullable=True),
        reference("to_member_id", "tac_member"),
        sa.Column("handover_note", sa.Text(), nullable=False),
        sa.Column("status", HANDOVER_STATUS, nullable=False),
        *who_and_when("proposed"),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        indexes=("episode_id",),
    )

    create_table(
        "involvement",
        reference("child_id", "child"),
        reference("user_id", "user_account", nullable=True),
        reference("tac_member_id", "tac_member", nullable=True),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("role", sa.String(length=160), nullable=False),
        sa.Column("organisation_name", sa.String(length=160), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        reference("recorded_by_id", "user_account"),
        indexes=("child_id", "user_id"),
    )

    add_reference("episode", "lead_member_id", "tac_member")


def downgrade() -> None:
    drop_reference("episode", "lead_member_id", "tac_member")
    drop_tables("involvement", "lead_professional_change", "tac_member")
