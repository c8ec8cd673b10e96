"""workflow history, notifications and consent

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:12:17.833780
"""

import sqlalchemy as sa
from alembic import op

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
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episode.id"], name=op.f("fk_consent_episode_id_episode")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_consent_recorded_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"],
            ["user_account.id"],
            name=op.f("fk_consent_withdrawn_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_episode_id"), ["episode_id"], unique=False)

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
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_episode_transition_actor_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episode.id"], name=op.f("fk_episode_transition_episode_id_episode")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode_transition")),
    )
    with op.batch_alter_table("episode_transition", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_episode_transition_episode_id"), ["episode_id"], unique=False
        )

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episode.id"], name=op.f("fk_notification_episode_id_episode")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_notification_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notification_episode_id"), ["episode_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notification_user_id"), ["user_id"], unique=False)

    op.create_table(
        "consent_agency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("service_name", sa.String(length=160), nullable=False),
        sa.ForeignKeyConstraint(
            ["consent_id"],
            ["consent.id"],
            name=op.f("fk_consent_agency_consent_id_consent"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_consent_agency_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_agency")),
    )
    with op.batch_alter_table("consent_agency", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_agency_consent_id"), ["consent_id"], unique=False
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

    with op.batch_alter_table("consent_agency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_agency_consent_id"))

    op.drop_table("consent_agency")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_user_id"))
        batch_op.drop_index(batch_op.f("ix_notification_episode_id"))

    op.drop_table("notification")
    with op.batch_alter_table("episode_transition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_episode_transition_episode_id"))

    op.drop_table("episode_transition")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_episode_id"))

    op.drop_table("consent")
