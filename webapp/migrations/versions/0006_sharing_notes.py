"""information-sharing register, confidential notes and shielding changes

Create Date: 2026-11-23 18:40:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_table, drop_tables, enum, reference, who_and_when

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    create_table(
        "sharing_decision",
        reference("episode_id", "episode"),
        *who_and_when("decided", time_first=True),
        sa.Column(
            "basis",
            enum("sharingbasis", "consent", "public_interest", "not_shared"),
            nullable=False,
        ),
        sa.Column(
            "ground",
            enum(
                "publicinterestground",
                "significant_harm_to_child",
                "serious_harm_to_adult",
                "serious_crime",
            ),
            nullable=True,
        ),
        sa.Column("what", sa.Text(), nullable=False),
        reference("organisation_id", "organisation", nullable=True),
        reference("recipient_user_id", "user_account", nullable=True),
        sa.Column("recipient_name", sa.String(length=160), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        reference("consent_id", "consent", nullable=True),
        sa.CheckConstraint(
            "(basis = 'public_interest' AND ground IS NOT NULL) "
            "OR (basis <> 'public_interest' AND ground IS NULL)",
            name=op.f("ck_sharing_decision_ground_only_for_public_interest"),
        ),
        sa.CheckConstraint(
            "organisation_id IS NOT NULL OR recipient_user_id IS NOT NULL OR recipient_name <> ''",
            name=op.f("ck_sharing_decision_has_recipient"),
        ),
        indexes=("episode_id",),
    )

    create_table(
        "confidential_note",
        reference("episode_id", "episode"),
        reference("author_id", "user_account"),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        indexes=("author_id", "episode_id"),
    )

    create_table(
        "child_shielding_change",
        reference("child_id", "child"),
        sa.Column("shielded", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        *who_and_when("changed"),
        indexes=("child_id",),
    )


def downgrade() -> None:
    drop_tables("child_shielding_change", "confidential_note", "sharing_decision")
