"""workflow history, notifications and consent

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:12:17.833780
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_indexes, drop_indexes, foreign_key

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum("given", "refused", name="consentdecision", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "given_by",
            sa.Enum("child", "parent_carer", name="consentgiver", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("given_by_name", sa.String(length=160), nullable=False),
        sa.Column("relationship_to_child", sa.String(length=80), nullable=False),
        sa.Column("has_parental_responsibility", sa.Boolean(), nullable=True),
        sa.Column("child_has_sufficient_understanding", sa.Boolean(), nullable=True),
        sa.Column("understanding_judgement", sa.Text(), nullable=False),
        sa.Column("to_assess", sa.Boolean(), nullable=False),
        sa.Column("to_record", sa.Boolean(), nullable=False),
        sa.Column("to_share", sa.Boolean(), nullable=False),
        sa.Column("points_explained", sa.Text(), nullable=False),
        sa.Column(
            "method",
            sa.Enum("written", "verbal", name="consentmethod", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=False),
        foreign_key("consent", "episode_id", "episode"),
        foreign_key("consent", "recorded_by_id", "user_account"),
        foreign_key("consent", "withdrawn_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    create_indexes("consent", "episode_id")

    op.create_table(
        "episode_transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("from_state", sa.String(length=60), nullable=False),
        sa.Column("to_state", sa.String(length=60), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("workflow_id", sa.String(length=80), nullable=False),
        sa.Column("workflow_version", sa.Integer(), nullable=False),
        foreign_key("episode_transition", "actor_id", "user_account"),
        foreign_key("episode_transition", "episode_id", "episode"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode_transition")),
    )
    create_indexes("episode_transition", "episode_id")

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        foreign_key("notification", "episode_id", "episode"),
        foreign_key("notification", "user_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    create_indexes("notification", "episode_id", "user_id")

    op.create_table(
        "consent_agency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("service_name", sa.String(length=160), nullable=False),
        foreign_key("consent_agency", "consent_id", "consent", ondelete="CASCADE"),
        foreign_key("consent_agency", "organisation_id", "organisation"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_agency")),
    )
    create_indexes("consent_agency", "consent_id")

    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "last_activity_at",
                sa.DateTime(),
                nullable=False,
                server_default=sa.func.current_timestamp(),
            )
        )
        batch_op.add_column(sa.Column("next_review_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("closure_requested_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("sharing_suspended", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("transferred_to_borough_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_episode_next_review_on"), ["next_review_on"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_episode_transferred_to_borough_id_borough"),
            "borough",
            ["transferred_to_borough_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_episode_closure_requested_by_id_user_account"),
            "user_account",
            ["closure_requested_by_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_episode_closure_requested_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_episode_transferred_to_borough_id_borough"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_episode_next_review_on"))
        batch_op.drop_column("transferred_to_borough_id")
        batch_op.drop_column("sharing_suspended")
        batch_op.drop_column("closure_requested_by_id")
        batch_op.drop_column("next_review_on")
        batch_op.drop_column("last_activity_at")

    drop_indexes("consent_agency", "consent_id")

    op.drop_table("consent_agency")
    drop_indexes("notification", "user_id", "episode_id")

    op.drop_table("notification")
    drop_indexes("episode_transition", "episode_id")

    op.drop_table("episode_transition")
    drop_indexes("consent", "episode_id")

    op.drop_table("consent")
