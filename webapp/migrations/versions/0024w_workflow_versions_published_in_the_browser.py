"""workflow versions drafted and published in the browser; a published version can never be
changed or removed (a trigger refuses both, on SQLite and PostgreSQL)

Revision ID: 0024w
Revises: 0023m
Create Date: 2026-12-03 22:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0024w"
down_revision = "0023m"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workflow_override_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.String(length=80), nullable=False),
        sa.Column("starts_from_version", sa.Integer(), nullable=True),
        sa.Column("borough", sa.String(length=40), nullable=False),
        sa.Column("source_yaml", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_workflow_override_draft_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["user_account.id"],
            name=op.f("fk_workflow_override_draft_submitted_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_workflow_override_draft_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_override_draft")),
    )
    with op.batch_alter_table("workflow_override_draft", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workflow_override_draft_borough"), ["borough"], unique=False
        )
        batch_op.create_index(
            "uq_workflow_override_draft_open",
            ["borough"],
            unique=True,
            sqlite_where=sa.text("state IN ('draft', 'awaiting_approval')"),
            postgresql_where=sa.text("state IN ('draft', 'awaiting_approval')"),
        )

    op.create_table(
        "workflow_override_draft_transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("dest", sa.String(length=40), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_workflow_override_draft_transition_actor_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["workflow_override_draft.id"],
            name=op.f("fk_workflow_override_draft_transition_draft_id_workflow_override_draft"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_override_draft_transition")),
    )
    with op.batch_alter_table("workflow_override_draft_transition", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workflow_override_draft_transition_draft_id"), ["draft_id"], unique=False
        )

    op.create_table(
        "workflow_override_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("borough", sa.String(length=40), nullable=False),
        sa.Column("workflow_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("extends_id", sa.String(length=80), nullable=False),
        sa.Column("extends_version", sa.Integer(), nullable=False),
        sa.Column("source_yaml", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["user_account.id"],
            name=op.f("fk_workflow_override_version_approved_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["workflow_override_draft.id"],
            name=op.f("fk_workflow_override_version_draft_id_workflow_override_draft"),
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["user_account.id"],
            name=op.f("fk_workflow_override_version_published_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_override_version")),
        sa.UniqueConstraint(
            "workflow_id", "version", name=op.f("uq_workflow_override_version_workflow_id_version")
        ),
    )
    with op.batch_alter_table("workflow_override_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workflow_override_version_borough"), ["borough"], unique=False
        )

    _create_immutability_trigger()


def downgrade() -> None:
    _drop_immutability_trigger()
    with op.batch_alter_table("workflow_override_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workflow_override_version_borough"))

    op.drop_table("workflow_override_version")
    with op.batch_alter_table("workflow_override_draft_transition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workflow_override_draft_transition_draft_id"))

    op.drop_table("workflow_override_draft_transition")
    with op.batch_alter_table("workflow_override_draft", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_workflow_override_draft_open",
            sqlite_where=sa.text("state IN ('draft', 'awaiting_approval')"),
            postgresql_where=sa.text("state IN ('draft', 'awaiting_approval')"),
        )
        batch_op.drop_index(batch_op.f("ix_workflow_override_draft_borough"))

    op.drop_table("workflow_override_draft")


MESSAGE = "a published workflow version never changes: publish a new version"


def _create_immutability_trigger() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER workflow_override_version_no_{verb.lower()} "
                f"BEFORE {verb} ON workflow_override_version "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION workflow_override_version_immutable() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER workflow_override_version_immutable BEFORE UPDATE OR DELETE "
        "ON workflow_override_version "
        "FOR EACH ROW EXECUTE FUNCTION workflow_override_version_immutable()"
    )


def _drop_immutability_trigger() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS workflow_override_version_no_update")
        op.execute("DROP TRIGGER IF EXISTS workflow_override_version_no_delete")
        return
    op.execute(
        "DROP TRIGGER IF EXISTS workflow_override_version_immutable ON workflow_override_version"
    )
    op.execute("DROP FUNCTION IF EXISTS workflow_override_version_immutable()")
