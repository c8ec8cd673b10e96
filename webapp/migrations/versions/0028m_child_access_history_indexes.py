"""a child's access history reads the events naming the child, and those of each of their
episodes, in time order through an index each, as far as the page goes: (child_id,
occurred_at) and (episode_id, occurred_at) take the place of the one-column indexes, whose
lookups they answer as well

Create Date: 2026-12-04 06:30:00
"""

from alembic import op

revision = "0028m"
down_revision = "0027m"

COLUMNS = ("child_id", "episode_id")


def upgrade() -> None:
    for column in COLUMNS:
        op.create_index(
            f"ix_audit_event_{column}_occurred_at", "audit_event", [column, "occurred_at"]
        )
        op.drop_index(f"ix_audit_event_{column}", table_name="audit_event")


def downgrade() -> None:
    for column in COLUMNS:
        op.create_index(f"ix_audit_event_{column}", "audit_event", [column])
        op.drop_index(f"ix_audit_event_{column}_occurred_at", table_name="audit_event")
