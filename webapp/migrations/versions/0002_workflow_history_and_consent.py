"""workflow history, notifications and consent

Create Date: 2026-11-23 18:12:17.833780
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_table, drop_tables, enum, reference, who_and_when

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    create_table(
        "consent",
        reference("episode_id", "episode"),
        sa.Column(
            "decision",
            enum("consentdecision", "given", "refused"),
            nullable=False,
        ),
        sa.Column(
            "given_by",
            enum("consentgiver", "child", "parent_carer"),
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
            enum("consentmethod", "written", "verbal"),
            nullable=False,
        ),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        *who_and_when("recorded"),
        *who_and_when("withdrawn", nullable=True, time_first=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=False),
        indexes=("episode_id",),
    )

    create_table(
        "episode_transition",
        reference("episode_id", "episode"),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        reference("actor_id", "user_account"),
        sa.Column("trigger", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("from_state", sa.String(length=60), nullable=False),
        sa.Column("to_state", sa.String(length=60), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("workflow_id", sa.String(length=80), nullable=False),
        sa.Column("workflow_version", sa.Integer(), nullable=False),
        indexes=("episode_id",),
    )

    create_table(
        "notification",
        reference("user_id", "user_account"),
        reference("episode_id", "episode", nullable=True),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        indexes=("episode_id", "user_id"),
    )

    create_table(
        "consent_agency",
        reference("consent_id", "consent", ondelete="CASCADE"),
        reference("organisation_id", "organisation", nullable=True),
        sa.Column("service_name", sa.String(length=160), nullable=False),
        indexes=("consent_id",),
    )

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

    drop_tables("consent_agency", "notification", "episode_transition", "consent")
