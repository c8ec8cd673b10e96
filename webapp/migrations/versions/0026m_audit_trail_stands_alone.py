"""the audit trail stands alone: the search hits and access alerts keep an event's id
without a foreign key, so that nothing stands in the way of removing events, the tampering
`caf audit verify` exists to find

Create Date: 2026-12-03 22:50:00
"""

from alembic import op

revision = "0026m"
down_revision = "0025r"

KEYS = (
    ("audit_search_hit", "fk_audit_search_hit_event_id_audit_event"),
    ("access_alert", "fk_access_alert_event_id_audit_event"),
)


def upgrade() -> None:
    for table, key in KEYS:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(key, type_="foreignkey")


def downgrade() -> None:
    for table, key in KEYS:
        with op.batch_alter_table(table) as batch:
            batch.create_foreign_key(key, "audit_event", ["event_id"], ["id"])
