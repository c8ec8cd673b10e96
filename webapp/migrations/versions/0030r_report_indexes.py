"""reports read a borough's episodes by when they started and when they closed, and the
moves into a state by when they happened, through an index each: episode (borough_id,
opened_at), episode (borough_id, closed_at) and episode_transition (to_state, occurred_at)

Create Date: 2026-12-04 11:45:00
"""

from alembic import op

revision = "0030r"
down_revision = "0029c"

INDEXES = (
    ("ix_episode_borough_id_opened_at", "episode", ["borough_id", "opened_at"]),
    ("ix_episode_borough_id_closed_at", "episode", ["borough_id", "closed_at"]),
    (
        "ix_episode_transition_to_state_occurred_at",
        "episode_transition",
        ["to_state", "occurred_at"],
    ),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
