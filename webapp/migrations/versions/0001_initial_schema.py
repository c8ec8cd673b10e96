"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 17:55:57.977819
"""

import sqlalchemy as sa
from alembic import op

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
        sa.ForeignKeyConstraint(
            ["borough_id"], ["borough.id"], name=op.f("fk_child_borough_id_borough")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child")),
        sa.UniqueConstraint("unique_reference", name=op.f("uq_child_unique_reference")),
    )
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_child_borough_id"), ["borough_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_child_date_of_birth"), ["date_of_birth"], unique=False)
        batch_op.create_index(batch_op.f("ix_child_family_name"), ["family_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_child_postcode"), ["postcode"], unique=False)

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
        sa.ForeignKeyConstraint(
            ["borough_id"], ["borough.id"], name=op.f("fk_organisation_borough_id_borough")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("borough_id", "name", name=op.f("uq_organisation_borough_id_name")),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisation_borough_id"), ["borough_id"], unique=False
        )

    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_team_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_team_organisation_id_name")),
    )
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_team_organisation_id"), ["organisation_id"], unique=False
        )

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
        sa.ForeignKeyConstraint(
            ["borough_id"], ["borough.id"], name=op.f("fk_user_account_borough_id_borough")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_user_account_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_user_account_team_id_team")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_account_borough_id"), ["borough_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_user_account_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_user_account_team_id"), ["team_id"], unique=False)

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
        sa.ForeignKeyConstraint(
            ["assessor_id"], ["user_account.id"], name=op.f("fk_episode_assessor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["borough_id"], ["borough.id"], name=op.f("fk_episode_borough_id_borough")
        ),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], name=op.f("fk_episode_child_id_child")),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["user_account.id"],
            name=op.f("fk_episode_coordinator_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_professional_id"],
            ["user_account.id"],
            name=op.f("fk_episode_lead_professional_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode")),
        sa.UniqueConstraint("reference", name=op.f("uq_episode_reference")),
    )
    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_episode_assessor_id"), ["assessor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_episode_borough_id"), ["borough_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_episode_child_id"), ["child_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_episode_coordinator_id"), ["coordinator_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_episode_lead_professional_id"), ["lead_professional_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_episode_state"), ["state"], unique=False)

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
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_user_role_user_id_user_account"),
            ondelete="CASCADE",
        ),
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
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_audit_event_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_audit_event_child_id_child")
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episode.id"], name=op.f("fk_audit_event_episode_id_episode")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_event_hash")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_event_occurred_at"), ["occurred_at"], unique=False
        )

    _make_audit_append_only()


def downgrade() -> None:
    _drop_audit_triggers()
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_episode_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_child_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
    op.drop_table("user_role")
    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_episode_state"))
        batch_op.drop_index(batch_op.f("ix_episode_lead_professional_id"))
        batch_op.drop_index(batch_op.f("ix_episode_coordinator_id"))
        batch_op.drop_index(batch_op.f("ix_episode_child_id"))
        batch_op.drop_index(batch_op.f("ix_episode_borough_id"))
        batch_op.drop_index(batch_op.f("ix_episode_assessor_id"))

    op.drop_table("episode")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_team_id"))
        batch_op.drop_index(batch_op.f("ix_user_account_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_user_account_borough_id"))

    op.drop_table("user_account")
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_organisation_id"))

    op.drop_table("team")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_borough_id"))

    op.drop_table("organisation")
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_child_postcode"))
        batch_op.drop_index(batch_op.f("ix_child_family_name"))
        batch_op.drop_index(batch_op.f("ix_child_date_of_birth"))
        batch_op.drop_index(batch_op.f("ix_child_borough_id"))

    op.drop_table("child")
    op.drop_table("login_throttle")
    op.drop_table("borough")
    op.drop_table("audit_chain_head")


def _make_audit_append_only() -> None:
    """The audit trail cannot be edited silently: the database refuses UPDATE and DELETE."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
    )


def _drop_audit_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
    op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
