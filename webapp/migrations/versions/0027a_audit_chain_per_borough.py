"""the audit trail is one hash chain per borough, each with its own head row, so that
boroughs do not queue on one another to append; the single chain carries on as the
national chain (chain 0), its events unchanged and still verifiable

Create Date: 2026-12-04 06:00:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import on_sqlite

revision = "0027a"
down_revision = "0026i"

# The chain head follows the newest event of its own chain.
_MOVE_HEAD = (
    "UPDATE audit_chain_head SET last_hash = NEW.hash, last_event_id = NEW.id WHERE id = NEW.chain"
)
_MOVE_THE_ONE_HEAD = (
    "UPDATE audit_chain_head SET last_hash = NEW.hash, last_event_id = NEW.id WHERE id = 1"
)


def upgrade() -> None:
    # A plain ALTER TABLE, not a batch: on SQLite a batch copies the table and loses its
    # triggers. Every event there is now is in the one chain, which becomes chain 0.
    op.add_column(
        "audit_event", sa.Column("chain", sa.Integer(), server_default="0", nullable=False)
    )
    op.execute("UPDATE audit_chain_head SET id = 0 WHERE id = 1")
    _move_head_by(_MOVE_HEAD)


def downgrade() -> None:
    bind = op.get_bind()
    chains = bind.execute(sa.text("SELECT count(*) FROM audit_event WHERE chain <> 0")).scalar()
    if chains:
        raise RuntimeError(
            "audit events have been appended to the boroughs' chains: they cannot be put back "
            "into one chain without rehashing them, so this migration does not go down"
        )
    _move_head_by(_MOVE_THE_ONE_HEAD)
    op.execute("UPDATE audit_chain_head SET id = 1 WHERE id = 0")
    if on_sqlite():
        op.execute("ALTER TABLE audit_event DROP COLUMN chain")
    else:
        op.drop_column("audit_event", "chain")


def _move_head_by(update: str) -> None:
    if on_sqlite():
        op.execute("DROP TRIGGER audit_event_moves_chain_head")
        op.execute(
            "CREATE TRIGGER audit_event_moves_chain_head AFTER INSERT ON audit_event "
            f"BEGIN {update}; END"
        )
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION audit_event_moves_chain_head() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN {update}; RETURN NULL; END $$"
    )
