"""a family's registration at a children's centre, with its consent, kept outside any CAF;
a CAF's consent may start from it

Revision ID: 0020c
Revises: 0020t
Create Date: 2026-12-03 13:00:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import foreign_key

revision = "0020c"
down_revision = "0020t"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "centre_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("borough_id", sa.Integer(), nullable=False),
        sa.Column("adult_name", sa.String(length=160), nullable=False),
        sa.Column("relationship_to_child", sa.String(length=80), nullable=False),
        sa.Column("signed_as", sa.String(length=20), nullable=False),
        sa.Column("agree_to_share", sa.Boolean(), nullable=False),
        sa.Column("points_explained", sa.Text(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=False),
        foreign_key("centre_registration", "centre_id", "organisation"),
        foreign_key("centre_registration", "borough_id", "borough"),
        foreign_key("centre_registration", "recorded_by_id", "user_account"),
        foreign_key("centre_registration", "withdrawn_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centre_registration")),
    )
    op.create_index(op.f("ix_centre_registration_centre_id"), "centre_registration", ["centre_id"])
    op.create_index(
        op.f("ix_centre_registration_borough_id"), "centre_registration", ["borough_id"]
    )
    op.create_table(
        "centre_registration_child",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        foreign_key(
            "centre_registration_child",
            "registration_id",
            "centre_registration",
            ondelete="CASCADE",
        ),
        foreign_key("centre_registration_child", "child_id", "child"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centre_registration_child")),
        sa.UniqueConstraint(
            "registration_id",
            "child_id",
            name=op.f("uq_centre_registration_child_registration_id_child_id"),
        ),
    )
    op.create_index(
        op.f("ix_centre_registration_child_registration_id"),
        "centre_registration_child",
        ["registration_id"],
    )
    op.create_index(
        op.f("ix_centre_registration_child_child_id"), "centre_registration_child", ["child_id"]
    )
    op.create_table(
        "centre_registration_partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("service_name", sa.String(length=160), nullable=False),
        foreign_key(
            "centre_registration_partner",
            "registration_id",
            "centre_registration",
            ondelete="CASCADE",
        ),
        foreign_key("centre_registration_partner", "organisation_id", "organisation"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centre_registration_partner")),
    )
    op.create_index(
        op.f("ix_centre_registration_partner_registration_id"),
        "centre_registration_partner",
        ["registration_id"],
    )
    op.create_table(
        "centre_registration_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("next_review_on", sa.Date(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        foreign_key(
            "centre_registration_review",
            "registration_id",
            "centre_registration",
            ondelete="CASCADE",
        ),
        foreign_key("centre_registration_review", "reviewed_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centre_registration_review")),
    )
    op.create_index(
        op.f("ix_centre_registration_review_registration_id"),
        "centre_registration_review",
        ["registration_id"],
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
    op.drop_table("centre_registration_review")
    op.drop_table("centre_registration_partner")
    op.drop_table("centre_registration_child")
    op.drop_table("centre_registration")
