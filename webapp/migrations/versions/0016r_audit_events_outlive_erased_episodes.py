"""audit events keep the id of an episode erased after a refusal of consent to record

An episode whose family refuses consent to record is erased with everything hanging off it
(CWDC 2009 4.16-4.18), but the audit trail is append-only and hash-chained: its events keep
the episode's id as a plain number, without a foreign key.

Create Date: 2026-12-04 09:00:00
"""

from alembic import op

from webapp.migrations.helpers import on_sqlite, sqlite_refusal

revision = "0016r"
down_revision = "0016m"

FOREIGN_KEY = "fk_audit_event_episode_id_episode"


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")
    _restore_sqlite_triggers()


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_foreign_key(FOREIGN_KEY, "episode", ["episode_id"], ["id"])
    _restore_sqlite_triggers()


def _restore_sqlite_triggers() -> None:
    """SQLite alters a table by copying it, which drops its triggers: put back the ones of
    migrations 0001 (append-only) and 0013 (the chain head follows the newest event)."""
    if not on_sqlite():
        return
    for verb in ("UPDATE", "DELETE"):
        sqlite_refusal(
            f"audit_event_no_{verb.lower()}", verb, "audit_event", "audit events are append-only"
        )
    op.execute(
        "CREATE TRIGGER audit_event_moves_chain_head AFTER INSERT ON audit_event "
        "BEGIN UPDATE audit_chain_head SET last_hash = NEW.hash, last_event_id = NEW.id "
        "WHERE id = 1; END"
    )
