"""initial schema

Create Date: 2026-11-23 17:55:57.977819
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import (
    allow_update_and_delete,
    create_indexes,
    create_table,
    drop_tables,
    enum,
    foreign_key,
    reference,
    refuse_update_and_delete,
    unique,
)

revision = "0001"
down_revision = None


def upgrade() -> None:
    create_table(
        "audit_chain_head",
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("last_event_id", sa.BigInteger(), nullable=False),
    )
    create_table(
        "borough",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "kind",
            enum("boroughkind", "london_borough", "county", "metropolitan", "unitary"),
            nullable=False,
        ),
        sa.Column("region", sa.String(length=80), nullable=False),
        sa.Column("caf_contact_name", sa.String(length=120), nullable=False),
        sa.Column("caf_contact_email", sa.String(length=254), nullable=False),
        sa.Column("caf_contact_phone", sa.String(length=40), nullable=False),
        sa.Column("caf_contact_address", sa.String(length=400), nullable=False),
        unique("code"),
    )
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    create_table(
        "child",
        sa.Column("unique_reference", sa.String(length=40), nullable=False),
        reference("borough_id", "borough"),
        sa.Column("given_names", sa.String(length=120), nullable=False),
        sa.Column("family_name", sa.String(length=120), nullable=False),
        sa.Column("also_known_as", sa.Text(), nullable=False),
        sa.Column(
            "gender",
            enum("gender", "male", "female", "unknown"),
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
        unique("unique_reference"),
        indexes=("borough_id", "date_of_birth", "family_name", "postcode"),
    )

    create_table(
        "organisation",
        reference("borough_id", "borough"),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column(
            "sector",
            enum(
                "sector",
                "school",
                "health",
                "early_years",
                "police",
                "youth",
                "social_care",
                "housing",
                "voluntary",
                "local_authority",
            ),
            nullable=False,
        ),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        unique("borough_id", "name"),
        indexes=("borough_id",),
    )

    create_table(
        "team",
        reference("organisation_id", "organisation"),
        sa.Column("name", sa.String(length=160), nullable=False),
        unique("organisation_id", "name"),
        indexes=("organisation_id",),
    )

    create_table(
        "user_account",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("job_title", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        reference("borough_id", "borough"),
        reference("organisation_id", "organisation"),
        reference("team_id", "team", nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("dbs_check_date", sa.Date(), nullable=True),
        sa.Column("caf_trained", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        unique("email"),
        indexes=("borough_id", "organisation_id", "team_id"),
    )

    create_table(
        "episode",
        sa.Column("reference", sa.String(length=40), nullable=False),
        reference("child_id", "child"),
        reference("borough_id", "borough"),
        sa.Column("state", sa.String(length=60), nullable=False),
        sa.Column("workflow_id", sa.String(length=80), nullable=False),
        sa.Column("workflow_version", sa.Integer(), nullable=False),
        reference("assessor_id", "user_account", nullable=True),
        reference("lead_professional_id", "user_account", nullable=True),
        reference("coordinator_id", "user_account", nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        unique("reference"),
        indexes=(
            "assessor_id",
            "borough_id",
            "child_id",
            "coordinator_id",
            "lead_professional_id",
            "state",
        ),
    )

    op.create_table(
        "user_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            enum(
                "role",
                "practitioner",
                "manager",
                "borough_caf_contact",
                "borough_admin",
                "system_admin",
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

    drop_tables(
        "audit_event",
        "user_role",
        "episode",
        "user_account",
        "team",
        "organisation",
        "child",
        "login_throttle",
        "borough",
        "audit_chain_head",
    )


AUDIT_MESSAGE = "audit events are append-only"


def _make_audit_append_only() -> None:
    """The audit trail cannot be edited silently: the database refuses UPDATE and DELETE."""
    refuse_update_and_delete("audit_event", AUDIT_MESSAGE, "audit_event_append_only")


def _drop_audit_triggers() -> None:
    allow_update_and_delete("audit_event", "audit_event_append_only")
