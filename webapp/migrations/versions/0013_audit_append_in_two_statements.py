"""the audit chain head follows the newest event by trigger, and searches counted per user
read one index

Create Date: 2026-12-02 07:00:00
"""

from alembic import op

from webapp.migrations.helpers import drop_postgresql_trigger, on_sqlite

revision = "0013"
down_revision = "0012"


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_event_actor_id_action_occurred_at",
            ["actor_id", "action", "occurred_at"],
            unique=False,
        )
        # The composite index answers everything the one on actor_id alone did.
        batch_op.drop_index("ix_audit_event_actor_id")
    if on_sqlite():
        op.execute(
            "CREATE TRIGGER audit_event_moves_chain_head AFTER INSERT ON audit_event "
            "BEGIN UPDATE audit_chain_head SET last_hash = NEW.hash, last_event_id = NEW.id "
            "WHERE id = 1; END"
        )
        return
    op.execute(
        "CREATE FUNCTION audit_event_moves_chain_head() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN UPDATE audit_chain_head SET last_hash = NEW.hash, last_event_id = NEW.id "
        "WHERE id = 1; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_event_moves_chain_head AFTER INSERT ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_moves_chain_head()"
    )


def downgrade() -> None:
    if on_sqlite():
        op.execute("DROP TRIGGER IF EXISTS audit_event_moves_chain_head")
    else:
        drop_postgresql_trigger("audit_event", "audit_event_moves_chain_head")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_actor_id", ["actor_id"], unique=False)
        batch_op.drop_index("ix_audit_event_actor_id_action_occurred_at")
