"""team around the child, lead professional changes and involvements

Revision ID: 0004t
Revises: 0003a
Create Date: 2026-11-23 18:30:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_indexes, drop_indexes, foreign_key

revision = "0004t"
down_revision = "0003a"
branch_labels = None
depends_on = None

MEMBER_KIND = sa.Enum(
    "practitioner",
    "child",
    "parent_carer",
    "other",
    name="memberkind",
    native_enum=False,
    length=32,
)
MEMBER_STATUS = sa.Enum(
    "invited", "active", "declined", "removed", name="memberstatus", native_enum=False, length=32
)
HANDOVER_STATUS = sa.Enum(
    "proposed", "accepted", "declined", name="handoverstatus", native_enum=False, length=32
)


def upgrade() -> None:
    op.create_table(
        "tac_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("kind", MEMBER_KIND, nullable=False),
        sa.Column("status", MEMBER_STATUS, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("role", sa.String(length=160), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=False),
        sa.Column("invited_at", sa.DateTime(), nullable=False),
        sa.Column("responded_at", sa.DateTime(), nullable=True),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("removal_reason", sa.Text(), nullable=False),
        foreign_key("tac_member", "episode_id", "episode"),
        foreign_key("tac_member", "invited_by_id", "user_account"),
        foreign_key("tac_member", "organisation_id", "organisation"),
        foreign_key("tac_member", "removed_by_id", "user_account"),
        foreign_key("tac_member", "user_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tac_member")),
    )
    create_indexes("tac_member", "episode_id", "user_id")

    op.create_table(
        "lead_professional_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("from_member_id", sa.Integer(), nullable=True),
        sa.Column("to_member_id", sa.Integer(), nullable=False),
        sa.Column("handover_note", sa.Text(), nullable=False),
        sa.Column("status", HANDOVER_STATUS, nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        foreign_key("lead_professional_change", "episode_id", "episode"),
        foreign_key("lead_professional_change", "from_member_id", "tac_member"),
        foreign_key("lead_professional_change", "proposed_by_id", "user_account"),
        foreign_key("lead_professional_change", "to_member_id", "tac_member"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_professional_change")),
    )
    create_indexes("lead_professional_change", "episode_id")

    op.create_table(
        "involvement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("tac_member_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("role", sa.String(length=160), nullable=False),
        sa.Column("organisation_name", sa.String(length=160), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        foreign_key("involvement", "child_id", "child"),
        foreign_key("involvement", "recorded_by_id", "user_account"),
        foreign_key("involvement", "tac_member_id", "tac_member"),
        foreign_key("involvement", "user_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_involvement")),
    )
    create_indexes("involvement", "child_id", "user_id")

    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_member_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_episode_lead_member_id_tac_member", "tac_member", ["lead_member_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.drop_constraint("fk_episode_lead_member_id_tac_member", type_="foreignkey")
        batch_op.drop_column("lead_member_id")
    drop_indexes("involvement", "user_id", "child_id")
    op.drop_table("involvement")
    drop_indexes("lead_professional_change", "episode_id")
    op.drop_table("lead_professional_change")
    drop_indexes("tac_member", "user_id", "episode_id")
    op.drop_table("tac_member")
