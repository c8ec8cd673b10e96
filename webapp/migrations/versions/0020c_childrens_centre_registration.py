"""a family's registration at a children's centre, with its consent, kept outside any CAF;
a CAF's consent may start from it

Create Date: 2026-12-03 13:00:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_table, drop_tables, reference, unique, who_and_when

revision = "0020c"
down_revision = "0020t"


def upgrade() -> None:
    create_table(
        "centre_registration",
        reference("centre_id", "organisation"),
        reference("borough_id", "borough"),
        sa.Column("adult_name", sa.String(length=160), nullable=False),
        sa.Column("relationship_to_child", sa.String(length=80), nullable=False),
        sa.Column("signed_as", sa.String(length=20), nullable=False),
        sa.Column("agree_to_share", sa.Boolean(), nullable=False),
        sa.Column("points_explained", sa.Text(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        *who_and_when("recorded"),
        *who_and_when("withdrawn", nullable=True, time_first=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=False),
        indexes=("centre_id", "borough_id"),
    )
    create_table(
        "centre_registration_child",
        reference("registration_id", "centre_registration", ondelete="CASCADE"),
        reference("child_id", "child"),
        unique("registration_id", "child_id"),
        indexes=("registration_id", "child_id"),
    )
    create_table(
        "centre_registration_partner",
        reference("registration_id", "centre_registration", ondelete="CASCADE"),
        reference("organisation_id", "organisation", nullable=True),
        sa.Column("service_name", sa.String(length=160), nullable=False),
        indexes=("registration_id",),
    )
    create_table(
        "centre_registration_review",
        reference("registration_id", "centre_registration", ondelete="CASCADE"),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("next_review_on", sa.Date(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        reference("reviewed_by_id", "user_account"),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        indexes=("registration_id",),
    )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("centre_registration_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_consent_centre_registration_id"), ["centre_registration_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_consent_centre_registration_id_centre_registration"),
            "centre_registration",
            ["centre_registration_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_consent_centre_registration_id_centre_registration"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_consent_centre_registration_id"))
        batch_op.drop_column("centre_registration_id")
    drop_tables(
        "centre_registration_review",
        "centre_registration_partner",
        "centre_registration_child",
        "centre_registration",
    )
