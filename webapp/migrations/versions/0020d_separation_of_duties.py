"""separation of duties: who created and last changed each account, role grants and
workflow-choice changes waiting for a second administrator, and database rules that no
account holds an administrator role beside a role that reads children's records and that
the second person of a two-person rule is independent of the first

Create Date: 2026-12-03 12:30:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import (
    Reference,
    create_table,
    create_unique_index_where,
    drop_postgresql_trigger,
    drop_tables,
    on_sqlite,
    reference,
    who_and_when,
)

revision = "0020d"
down_revision = "0020c"

ADMINISTRATOR_ROLES = "('borough_admin', 'system_admin')"
RECORD_ROLES = "('practitioner', 'manager', 'borough_caf_contact')"
HOLDS = "EXISTS (SELECT 1 FROM user_role held WHERE held.user_id = NEW.user_id AND held.role IN "
# A row that would give an account an administrator role beside a record-reading one.
CONFLICTING_ROLES = (
    f"(NEW.role IN {ADMINISTRATOR_ROLES} AND {HOLDS}{RECORD_ROLES})) OR "
    f"(NEW.role IN {RECORD_ROLES} AND {HOLDS}{ADMINISTRATOR_ROLES}))"
)


def not_independent(approver: str, requester: str, requested_at: str) -> str:
    """SQL true when `approver` may not be the second person for `requester`'s request:
    the same person, or an account the requester created or last changed, or one made
    after the request."""
    return (
        "EXISTS (SELECT 1 FROM user_account approver WHERE "  # noqa: S608 - constants
        f"approver.id = {approver} AND "
        f"(approver.id = {requester} OR approver.created_by_id = {requester} OR "
        f"approver.changed_by_id = {requester} OR approver.created_at >= {requested_at}))"
    )


# table -> (when the rule applies, the approver, the requester, when it was asked for)
SECOND_PERSON_RULES = {
    "role_grant_request": (
        "NEW.decided_by_id IS NOT NULL",
        "NEW.decided_by_id",
        "NEW.requested_by_id",
        "NEW.requested_at",
    ),
    "workflow_choice_request": (
        "NEW.decided_by_id IS NOT NULL",
        "NEW.decided_by_id",
        "NEW.requested_by_id",
        "NEW.requested_at",
    ),
    "form_overlay_version": (
        "NEW.approved_by_id IS NOT NULL",
        "NEW.approved_by_id",
        "NEW.published_by_id",
        "(SELECT submitted_at FROM form_overlay_draft WHERE id = NEW.draft_id)",
    ),
}
SECOND_PERSON_MESSAGE = (
    "separation of duties: the second person must be another person whose account existed "
    "before the request and was neither created nor last changed by the requester"
)
ROLES_MESSAGE = (
    "separation of duties: an administrator account cannot hold a role that reads "
    "children''s records"  # quoted for SQL
)


def _account_columns() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # Adding a column that refers to a table needs no copy of the table in SQLite
        # (copying user_account would trip every foreign key that points at it).
        for column in ("created_by_id", "changed_by_id"):
            op.execute(
                f"ALTER TABLE user_account ADD COLUMN {column} INTEGER "
                f"CONSTRAINT fk_user_account_{column}_user_account REFERENCES user_account (id)"
            )
        op.execute("ALTER TABLE user_account ADD COLUMN changed_at DATETIME")
        op.execute(
            "ALTER TABLE workflow_choice_version ADD COLUMN approved_by_id INTEGER CONSTRAINT "
            "fk_workflow_choice_version_approved_by_id_user_account REFERENCES user_account (id)"
        )
        return
    op.add_column("user_account", sa.Column("created_by_id", sa.Integer(), nullable=True))
    op.add_column("user_account", sa.Column("changed_by_id", sa.Integer(), nullable=True))
    op.add_column("user_account", sa.Column("changed_at", sa.DateTime(), nullable=True))
    for column in ("created_by_id", "changed_by_id"):
        op.create_foreign_key(
            f"fk_user_account_{column}_user_account",
            "user_account",
            "user_account",
            [column],
            ["id"],
        )
    op.add_column(
        "workflow_choice_version", sa.Column("approved_by_id", sa.Integer(), nullable=True)
    )
    op.create_foreign_key(
        "fk_workflow_choice_version_approved_by_id_user_account",
        "workflow_choice_version",
        "user_account",
        ["approved_by_id"],
        ["id"],
    )


def _create_request_table(
    table: str,
    *columns: sa.Column | Reference,
    after: tuple[sa.Column | Reference, ...] = (),
    indexes: tuple[str, ...],
    waiting: list[str],
) -> None:
    """A table of requests waiting for a second administrator: `columns`, who asked and
    when, who decided, when and how (never the one who asked), then `after`; one request
    at a time waits for the same values of the columns `waiting`."""
    create_table(
        table,
        *columns,
        *who_and_when("requested"),
        *who_and_when("decided", nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        *after,
        sa.CheckConstraint(
            "decided_by_id IS NULL OR decided_by_id <> requested_by_id",
            name=op.f(f"ck_{table}_decider_is_not_requester"),
        ),
        indexes=indexes,
    )
    create_unique_index_where(table, f"uq_{table}_waiting", waiting, "outcome IS NULL")


def _tables() -> None:
    _create_request_table(
        "role_grant_request",
        reference("account_id", "user_account"),
        reference("borough_id", "borough"),
        sa.Column("role", sa.String(length=32), nullable=False),
        indexes=("account_id", "borough_id"),
        waiting=["account_id", "role"],
    )
    _create_request_table(
        "workflow_choice_request",
        reference("borough_id", "borough"),
        sa.Column("workflow_id", sa.String(length=80), nullable=False),
        sa.Column("selections_json", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        after=(reference("version_id", "workflow_choice_version", nullable=True),),
        indexes=("borough_id",),
        waiting=["borough_id", "workflow_id"],
    )


def _sqlite_triggers() -> None:
    for verb in ("INSERT", "UPDATE"):
        op.execute(
            f"CREATE TRIGGER user_role_separation_of_duties_{verb.lower()} BEFORE {verb} ON "
            f"user_role WHEN {CONFLICTING_ROLES} BEGIN SELECT RAISE(ABORT, '{ROLES_MESSAGE}'); "
            "END"
        )
    for table, (applies, approver, requester, requested_at) in SECOND_PERSON_RULES.items():
        for verb in ("INSERT", "UPDATE"):
            op.execute(
                f"CREATE TRIGGER {table}_second_person_{verb.lower()} BEFORE {verb} ON {table} "
                f"WHEN {applies} AND {not_independent(approver, requester, requested_at)} "
                f"BEGIN SELECT RAISE(ABORT, '{SECOND_PERSON_MESSAGE}'); END"
            )


def _postgresql_triggers() -> None:
    # The account's row is locked first, so that two transactions adding roles to one
    # account at once are checked one after the other.
    op.execute(
        "CREATE FUNCTION user_role_separation_of_duties() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN PERFORM 1 FROM user_account WHERE id = NEW.user_id FOR UPDATE; "
        f"IF {CONFLICTING_ROLES} THEN RAISE EXCEPTION '{ROLES_MESSAGE}' "
        "USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER user_role_separation_of_duties BEFORE INSERT OR UPDATE ON user_role "
        "FOR EACH ROW EXECUTE FUNCTION user_role_separation_of_duties()"
    )
    for table, (applies, approver, requester, requested_at) in SECOND_PERSON_RULES.items():
        op.execute(
            f"CREATE FUNCTION {table}_second_person() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN IF {applies} AND {not_independent(approver, requester, requested_at)} "
            f"THEN RAISE EXCEPTION '{SECOND_PERSON_MESSAGE}' USING ERRCODE = 'check_violation'; "
            "END IF; RETURN NEW; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_second_person BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_second_person()"
        )


def upgrade() -> None:
    _account_columns()
    _tables()
    if on_sqlite():
        _sqlite_triggers()
    else:
        _postgresql_triggers()


def downgrade() -> None:
    if on_sqlite():
        for verb in ("insert", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS user_role_separation_of_duties_{verb}")
            for table in SECOND_PERSON_RULES:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_second_person_{verb}")
    else:
        drop_postgresql_trigger("user_role", "user_role_separation_of_duties")
        for table in SECOND_PERSON_RULES:
            drop_postgresql_trigger(table, f"{table}_second_person")
    drop_tables("workflow_choice_request", "role_grant_request")
    # SQLite does not name the constraints of added columns: the copy drops them.
    named = not on_sqlite()
    with op.batch_alter_table("workflow_choice_version", schema=None) as batch_op:
        if named:
            batch_op.drop_constraint(
                "fk_workflow_choice_version_approved_by_id_user_account", type_="foreignkey"
            )
        batch_op.drop_column("approved_by_id")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        if named:
            for column in ("changed_by_id", "created_by_id"):
                batch_op.drop_constraint(
                    f"fk_user_account_{column}_user_account", type_="foreignkey"
                )
        batch_op.drop_column("changed_at")
        batch_op.drop_column("changed_by_id")
        batch_op.drop_column("created_by_id")
