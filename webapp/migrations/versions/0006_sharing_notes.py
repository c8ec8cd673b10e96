"""information-sharing register, confidential notes and shielding changes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 18:40:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_indexes, drop_indexes, foreign_key

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
        foreign_key("sharing_decision", "consent_id", "consent"),
        foreign_key("sharing_decision", "decided_by_id", "user_account"),
        foreign_key("sharing_decision", "episode_id", "episode"),
        foreign_key("sharing_decision", "organisation_id", "organisation"),
        foreign_key("sharing_decision", "recipient_user_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_decision")),
    )
    create_indexes("sharing_decision", "episode_id")

    op.create_table(
        "confidential_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        foreign_key("confidential_note", "author_id", "user_account"),
        foreign_key("confidential_note", "episode_id", "episode"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_confidential_note")),
    )
    create_indexes("confidential_note", "author_id", "episode_id")

    op.create_table(
        "child_shielding_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("shielded", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        foreign_key("child_shielding_change", "changed_by_id", "user_account"),
        foreign_key("child_shielding_change", "child_id", "child"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_shielding_change")),
    )
    create_indexes("child_shielding_change", "child_id")


def downgrade() -> None:
    drop_indexes("child_shielding_change", "child_id")
    op.drop_table("child_shielding_change")

    drop_indexes("confidential_note", "episode_id", "author_id")
    op.drop_table("confidential_note")

    drop_indexes("sharing_decision", "episode_id")
    op.drop_table("sharing_decision")
