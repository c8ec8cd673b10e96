"""information-sharing register, confidential notes and shielding changes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 18:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sharing_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column(
            "basis",
            sa.Enum(
                "consent",
                "public_interest",
                "not_shared",
                name="sharingbasis",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "ground",
            sa.Enum(
                "significant_harm_to_child",
                "serious_harm_to_adult",
                "serious_crime",
                name="publicinterestground",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("recipient_user_id", sa.Integer(), nullable=True),
        sa.Column("recipient_name", sa.String(length=160), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(basis = 'public_interest' AND ground IS NOT NULL) "
            "OR (basis <> 'public_interest' AND ground IS NULL)",
            name=op.f("ck_sharing_decision_ground_only_for_public_interest"),
        ),
        sa.CheckConstraint(
            "organisation_id IS NOT NULL OR recipient_user_id IS NOT NULL OR recipient_name <> ''",
            name=op.f("ck_sharing_decision_has_recipient"),
        ),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["consent.id"], name=op.f("fk_sharing_decision_consent_id_consent")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_sharing_decision_decided_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episode.id"], name=op.f("fk_sharing_decision_episode_id_episode")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_sharing_decision_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_user_id"],
            ["user_account.id"],
            name=op.f("fk_sharing_decision_recipient_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_decision")),
    )
    with op.batch_alter_table("sharing_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sharing_decision_episode_id"), ["episode_id"], unique=False
        )

    op.create_table(
        "confidential_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_confidential_note_author_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episode.id"], name=op.f("fk_confidential_note_episode_id_episode")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_confidential_note")),
    )
    with op.batch_alter_table("confidential_note", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_confidential_note_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_confidential_note_episode_id"), ["episode_id"], unique=False
        )

    op.create_table(
        "child_shielding_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("shielded", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user_account.id"],
            name=op.f("fk_child_shielding_change_changed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_child_shielding_change_child_id_child")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_shielding_change")),
    )
    with op.batch_alter_table("child_shielding_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_child_shielding_change_child_id"), ["child_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("child_shielding_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_child_shielding_change_child_id"))
    op.drop_table("child_shielding_change")

    with op.batch_alter_table("confidential_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_confidential_note_episode_id"))
        batch_op.drop_index(batch_op.f("ix_confidential_note_author_id"))
    op.drop_table("confidential_note")

    with op.batch_alter_table("sharing_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_decision_episode_id"))
    op.drop_table("sharing_decision")
