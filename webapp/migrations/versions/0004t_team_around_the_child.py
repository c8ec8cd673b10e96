"""team around the child, lead professional changes and involvements

Revision ID: 0004t
Revises: 0003a
Create Date: 2026-11-23 18:30:00
"""

import sqlalchemy as sa
from alembic import op

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
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episode.id"], name=op.f("fk_tac_member_episode_id_episode")
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["user_account.id"],
            name=op.f("fk_tac_member_invited_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_tac_member_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["removed_by_id"],
            ["user_account.id"],
            name=op.f("fk_tac_member_removed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_tac_member_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tac_member")),
    )
    with op.batch_alter_table("tac_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tac_member_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tac_member_user_id"), ["user_id"], unique=False)

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
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episode.id"],
            name=op.f("fk_lead_professional_change_episode_id_episode"),
        ),
        sa.ForeignKeyConstraint(
            ["from_member_id"],
            ["tac_member.id"],
            name=op.f("fk_lead_professional_change_from_member_id_tac_member"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["user_account.id"],
            name=op.f("fk_lead_professional_change_proposed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["to_member_id"],
            ["tac_member.id"],
            name=op.f("fk_lead_professional_change_to_member_id_tac_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_professional_change")),
    )
    with op.batch_alter_table("lead_professional_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lead_professional_change_episode_id"), ["episode_id"], unique=False
        )

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
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_involvement_child_id_child")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_involvement_recorded_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["tac_member_id"],
            ["tac_member.id"],
            name=op.f("fk_involvement_tac_member_id_tac_member"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_involvement_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_involvement")),
    )
    with op.batch_alter_table("involvement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_involvement_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_involvement_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_member_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_episode_lead_member_id_tac_member", "tac_member", ["lead_member_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.drop_constraint("fk_episode_lead_member_id_tac_member", type_="foreignkey")
        batch_op.drop_column("lead_member_id")
    with op.batch_alter_table("involvement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_involvement_user_id"))
        batch_op.drop_index(batch_op.f("ix_involvement_child_id"))
    op.drop_table("involvement")
    with op.batch_alter_table("lead_professional_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_professional_change_episode_id"))
    op.drop_table("lead_professional_change")
    with op.batch_alter_table("tac_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tac_member_user_id"))
        batch_op.drop_index(batch_op.f("ix_tac_member_episode_id"))
    op.drop_table("tac_member")
