"""steps taken by the system: a timed step's history entry has no person as its actor

Create Date: 2026-12-03 19:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0021w"
down_revision = "0020v"


def upgrade() -> None:
    with op.batch_alter_table("episode_transition") as batch:
        batch.alter_column("actor_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # A step the system took has no person to name: such history cannot be kept here.
    op.execute("DELETE FROM episode_transition WHERE actor_id IS NULL")
    with op.batch_alter_table("episode_transition") as batch:
        batch.alter_column("actor_id", existing_type=sa.Integer(), nullable=False)
