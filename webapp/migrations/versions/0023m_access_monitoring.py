"""access monitoring: the children each search returned, urgent access grants, and the
index a person's access history reads

Create Date: 2026-12-03 22:30:00
"""

import json

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import (
    create_table,
    drop_tables,
    foreign_key,
    reference,
    who_and_when,
)

revision = "0023m"
down_revision = "0021w"

EVENT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_search_hit",
        sa.Column("id", EVENT_ID, autoincrement=True, nullable=False),
        sa.Column("event_id", EVENT_ID, nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        foreign_key("audit_search_hit", "event_id", "audit_event"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_search_hit")),
    )
    op.create_index(op.f("ix_audit_search_hit_event_id"), "audit_search_hit", ["event_id"])
    op.create_index(
        "ix_audit_search_hit_child_id_occurred_at", "audit_search_hit", ["child_id", "occurred_at"]
    )
    create_table(
        "break_glass_grant",
        reference("user_id", "user_account"),
        reference("episode_id", "episode"),
        reference("child_id", "child"),
        reference("borough_id", "borough"),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        *who_and_when("reviewed", nullable=True, time_first=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=False),
        indexes=("child_id",),
    )
    op.create_index(
        "ix_break_glass_grant_user_episode",
        "break_glass_grant",
        ["user_id", "episode_id", "expires_at"],
    )
    op.create_index(
        "ix_break_glass_grant_borough_reviewed", "break_glass_grant", ["borough_id", "reviewed_at"]
    )
    op.create_index(
        "ix_audit_event_actor_id_occurred_at", "audit_event", ["actor_id", "occurred_at"]
    )
    _index_earlier_searches()


def _index_earlier_searches() -> None:
    """The hits of the searches made before this migration, read from their events."""
    connection = op.get_bind()
    events = sa.table(
        "audit_event",
        sa.column("id", EVENT_ID),
        sa.column("action", sa.String),
        sa.column("occurred_at", sa.DateTime),
        sa.column("detail", sa.Text),
    )
    hits = sa.table(
        "audit_search_hit",
        sa.column("event_id", EVENT_ID),
        sa.column("child_id", sa.Integer),
        sa.column("occurred_at", sa.DateTime),
    )
    searches = connection.execute(
        sa.select(events.c.id, events.c.occurred_at, events.c.detail)
        .where(events.c.action == "child_index.searched")
        .order_by(events.c.id)
    )
    batch: list[dict] = []
    for event_id, occurred_at, detail in searches:
        results = json.loads(detail or "{}").get("results") or []
        for child_id in dict.fromkeys(results):
            if isinstance(child_id, int):
                batch.append(
                    {"event_id": event_id, "child_id": child_id, "occurred_at": occurred_at}
                )
        if len(batch) >= 5000:
            connection.execute(hits.insert(), batch)
            batch = []
    if batch:
        connection.execute(hits.insert(), batch)


def downgrade() -> None:
    op.drop_index("ix_audit_event_actor_id_occurred_at", table_name="audit_event")
    drop_tables("break_glass_grant", "audit_search_hit")
