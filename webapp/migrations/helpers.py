"""What many migrations do the same way: tables with an integer id, columns that reference
another table's id with a named foreign key, string enums, one-column and partial unique
indexes, and tables the database itself refuses to change (a trigger on SQLite and on
PostgreSQL).

Every name follows the naming convention of `webapp.models.metadata`, so a migration that
uses these helpers builds the same schema as one that spells each constraint out.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from alembic import op


def foreign_key(
    table: str, column: str, target: str, *, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    """The foreign key from `table.column` to `target.id`, named fk_<table>_<column>_<target>."""
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def create_indexes(table: str, *columns: str) -> None:
    """One (not unique) index on each column, named ix_<table>_<column>."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def drop_indexes(table: str, *columns: str) -> None:
    """Drop the indexes `create_indexes` made on these columns."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))


def on_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def refuse_update_and_delete(table: str, message: str, function: str) -> None:
    """The database refuses every UPDATE and DELETE of a row of `table` with `message`:
    SQLite by the triggers <table>_no_update and <table>_no_delete, PostgreSQL by the trigger
    `function` calling the function of that name."""
    if on_sqlite():
        for verb in ("UPDATE", "DELETE"):
            sqlite_refusal(f"{table}_no_{verb.lower()}", verb, table, message)
        return
    op.execute(
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{message}'; END $$"
    )
    op.execute(
        f"CREATE TRIGGER {function} BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()"
    )


def allow_update_and_delete(table: str, function: str) -> None:
    """Undo `refuse_update_and_delete`."""
    if on_sqlite():
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
        return
    drop_postgresql_trigger(table, function)


def sqlite_refusal(name: str, verb: str, table: str, message: str) -> None:
    """A SQLite trigger that aborts every `verb` on `table` with `message`."""
    op.execute(
        f"CREATE TRIGGER {name} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


def drop_postgresql_trigger(table: str, function: str) -> None:
    """Drop the PostgreSQL trigger `function` on `table` and the function it calls."""
    op.execute(f"DROP TRIGGER IF EXISTS {function} ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {function}()")


def enum(name: str, *values: str) -> sa.Enum:
    """The enum `name` of `values`, stored as a string of up to 32 characters (no database
    enum type), as the models declare it."""
    return sa.Enum(*values, name=name, native_enum=False, length=32)


@dataclass(frozen=True)
class Reference:
    """An integer column holding the id of a row of `target`, with its named foreign key:
    `create_table` makes both."""

    column: str
    target: str
    nullable: bool = False
    ondelete: str | None = None

    def column_for(self) -> sa.Column:
        return sa.Column(self.column, sa.Integer(), nullable=self.nullable)

    def foreign_key_of(self, table: str) -> sa.ForeignKeyConstraint:
        return foreign_key(table, self.column, self.target, ondelete=self.ondelete)


reference = Reference


@dataclass(frozen=True)
class Unique:
    """A unique constraint over `columns`: `create_table` names it uq_<table>_<columns>."""

    columns: tuple[str, ...]

    def constraint_of(self, table: str) -> sa.UniqueConstraint:
        return sa.UniqueConstraint(*self.columns, name=op.f(f"uq_{table}_{'_'.join(self.columns)}"))


def unique(*columns: str) -> Unique:
    return Unique(columns)


def create_table(
    table: str,
    *items: sa.SchemaItem | Reference | Unique,
    indexes: tuple[str, ...] = (),
) -> None:
    """The table `table` with an integer primary key `id` (named pk_<table>) first, then
    `items` (columns, references and constraints) in order, the foreign keys of the
    references after the columns, and a (not unique) index on each column of `indexes`."""
    columns: list[sa.SchemaItem] = [sa.Column("id", sa.Integer(), nullable=False)]
    constraints: list[sa.SchemaItem] = []
    for item in items:
        if isinstance(item, Reference):
            columns.append(item.column_for())
            constraints.append(item.foreign_key_of(table))
        elif isinstance(item, Unique):
            constraints.append(item.constraint_of(table))
        elif isinstance(item, sa.Column):
            columns.append(item)
        else:
            constraints.append(item)
    op.create_table(
        table,
        *columns,
        *constraints,
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )
    if indexes:
        create_indexes(table, *indexes)


def drop_tables(*tables: str) -> None:
    """Drop `tables` in order, with their indexes."""
    for table in tables:
        op.drop_table(table)


def create_unique_index_where(table: str, name: str, columns: list[str], where: str) -> None:
    """A unique index over the rows of `table` that meet `where` (on SQLite and PostgreSQL)."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(
            name,
            columns,
            unique=True,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def add_reference(table: str, column: str, target: str) -> None:
    """A nullable column `table.column` holding the id of a row of `target`, with its named
    foreign key."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f(f"fk_{table}_{column}_{target}"), target, [column], ["id"]
        )


def drop_reference(table: str, column: str, target: str) -> None:
    """Undo `add_reference`."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(f"fk_{table}_{column}_{target}"), type_="foreignkey")
        batch_op.drop_column(column)


def who_and_when(
    action: str, *, nullable: bool = False, time_first: bool = False
) -> list[sa.SchemaItem | Reference]:
    """Who did `action` (<action>_by_id, a reference to user_account) and when
    (<action>_at), in that order unless `time_first`."""
    columns: list[sa.SchemaItem | Reference] = [
        reference(f"{action}_by_id", "user_account", nullable=nullable),
        sa.Column(f"{action}_at", sa.DateTime(), nullable=nullable),
    ]
    return columns[::-1] if time_first else columns


def publication_draft_columns() -> list[sa.SchemaItem | Reference]:
    """The columns of a draft in the publication workflow (PublicationDraft in
    webapp/formadmin/models.py) from its YAML text on."""
    return [
        sa.Column("source_yaml", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        *who_and_when("created"),
        *who_and_when("updated", nullable=True),
        *who_and_when("submitted", nullable=True),
    ]


def create_publication_steps(table: str, draft_table: str) -> None:
    """The table of the steps the drafts of `draft_table` took in the publication workflow
    (PublicationStep in webapp/formadmin/models.py)."""
    create_table(
        table,
        reference("draft_id", draft_table),
        sa.Column("trigger", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("dest", sa.String(length=40), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        reference("actor_id", "user_account"),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        indexes=("draft_id",),
    )


def published_version_columns(draft_table: str) -> list[sa.SchemaItem | Reference]:
    """The columns of a version published from a draft of `draft_table` from its YAML text
    on."""
    return [
        sa.Column("source_yaml", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        reference("draft_id", draft_table, nullable=True),
        reference("published_by_id", "user_account"),
        reference("approved_by_id", "user_account"),
        sa.Column("published_at", sa.DateTime(), nullable=False),
    ]
