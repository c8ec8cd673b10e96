"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 17:55:57.977819
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import (
    allow_update_and_delete,
    create_indexes,
    drop_indexes,
    foreign_key,
    refuse_update_and_delete,
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("last_event_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    op.create_table(
        "borough",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "london_borough",
                "county",
                "metropolitan",
                "unitary",
                name="boroughkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("region", sa.String(length=80), nullable=False),
        sa.Column("caf_contact_name", sa.String(length=120), nullable=False),
        sa.Column("caf_contact_email", sa.String(length=254), nullable=False),
        sa.Column("caf_contact_phone", sa.String(length=40), nullable=False),
        sa.Column("caf_contact_address", sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_borough")),
        sa.UniqueConstraint("code", name=op.f("uq_borough_code")),
    )
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    op.create_table(
        "child",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unique_reference", sa.String(length=40), nullable=False),
        sa.Column("borough_id", sa.Integer(), nullable=False),
        sa.Column("given_names", sa.String(length=120), nullable=False),
        sa.Column("family_name", sa.String(length=120), nullable=False),
        sa.Column("also_known_as", sa.Text(), nullable=False),
        sa.Column(
            "gender",
            sa.Enum("male", "female", "unknown", name="gender", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("expected_delivery_date", sa.Date(), nullable=True),
        sa.Column("mother_name", sa.String(length=160), nullable=False),
        sa.Column("address_line_1", sa.String(length=160), nullable=False),
        sa.Column("address_line_2", sa.String(length=160), nullable=False),
        sa.Column("town", sa.String(length=80), nullable=False),
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.Column("shielded", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "date_of_birth IS NOT NULL OR expected_delivery_date IS NOT NULL",
            name=op.f("ck_child_born_or_expected"),
        ),
        foreign_key("child", "borough_id", "borough"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child")),
        sa.UniqueConstraint("unique_reference", name=op.f("uq_child_unique_reference")),
    )
    create_indexes("child", "borough_id", "date_of_birth", "family_name", "postcode")

    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("borough_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column(
            "sector",
            sa.Enum(
                "school",
                "health",
                "early_years",
                "police",
                "youth",
                "social_care",
                "housing",
                "voluntary",
                "local_authority",
                name="sector",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        foreign_key("organisation", "borough_id", "borough"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("borough_id", "name", name=op.f("uq_organisation_borough_id_name")),
    )
    create_indexes("organisation", "borough_id")

    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        foreign_key("team", "organisation_id", "organisation"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_team_organisation_id_name")),
    )
    create_indexes("team", "organisation_id")

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("job_title", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("borough_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("dbs_check_date", sa.Date(), nullable=True),
        sa.Column("caf_trained", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        foreign_key("user_account", "borough_id", "borough"),
        foreign_key("user_account", "organisation_id", "organisation"),
        foreign_key("user_account", "team_id", "team"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
    )
    create_indexes("user_account", "borough_id", "organisation_id", "team_id")

    op.create_table(
        "episode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("borough_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=60), nullable=False),
        sa.Column("workflow_id", sa.String(length=80), nullable=False),
        sa.Column("workflow_version", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=True),
        sa.Column("lead_professional_id", sa.Integer(), nullable=True),
        sa.Column("coordinator_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        foreign_key("episode", "assessor_id", "user_account"),
        foreign_key("episode", "borough_id", "borough"),
        foreign_key("episode", "child_id", "child"),
        foreign_key("episode", "coordinator_id", "user_account"),
        foreign_key("episode", "lead_professional_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode")),
        sa.UniqueConstraint("reference", name=op.f("uq_episode_reference")),
    )
    create_indexes(
        "episode",
        "assessor_id",
        "borough_id",
        "child_id",
        "coordinator_id",
        "lead_professional_id",
        "state",
    )

    op.create_table(
        "user_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "practitioner",
                "manager",
                "borough_caf_contact",
                "borough_admin",
                "system_admin",
                name="role",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        foreign_key("user_role", "user_id", "user_account", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_role")),
    )
    op.create_table(
        "audit_event",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=40), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=True),
        sa.Column("child_id", sa.Integer(), nullable=True),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        foreign_key("audit_event", "actor_id", "user_account"),
        foreign_key("audit_event", "child_id", "child"),
        foreign_key("audit_event", "episode_id", "episode"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_event_hash")),
    )
    create_indexes("audit_event", "action", "actor_id", "child_id", "episode_id", "occurred_at")

    _make_audit_append_only()


def downgrade() -> None:
    _drop_audit_triggers()
    drop_indexes("audit_event", "occurred_at", "episode_id", "child_id", "actor_id", "action")

    op.drop_table("audit_event")
    op.drop_table("user_role")
    drop_indexes(
        "episode",
        "state",
        "lead_professional_id",
        "coordinator_id",
        "child_id",
        "borough_id",
        "assessor_id",
    )

    op.drop_table("episode")
    drop_indexes("user_account", "team_id", "organisation_id", "borough_id")

    op.drop_table("user_account")
    drop_indexes("team", "organisation_id")

    op.drop_table("team")
    drop_indexes("organisation", "borough_id")

    op.drop_table("organisation")
    drop_indexes("child", "postcode", "family_name", "date_of_birth", "borough_id")

    op.drop_table("child")
    op.drop_table("login_throttle")
    op.drop_table("borough")
    op.drop_table("audit_chain_head")


AUDIT_MESSAGE = "audit events are append-only"


def _make_audit_append_only() -> None:
    """The audit trail cannot be edited silently: the database refuses UPDATE and DELETE."""
    refuse_update_and_delete("audit_event", AUDIT_MESSAGE, "audit_event_append_only")


def _drop_audit_triggers() -> None:
    allow_update_and_delete("audit_event", "audit_event_append_only")
