"""a completed form keeps how the needs it rates stand (form_response.needs_rating, from 0
at the worst of the scale to 1 at the best), so reports count the distance travelled from
the plan to the latest review in the database; forms completed before rate no need

Create Date: 2026-12-04 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0031r"
down_revision = "0031l"


def upgrade() -> None:
    with op.batch_alter_table("form_response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("needs_rating", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("form_response", schema=None) as batch_op:
        batch_op.drop_column("needs_rating")
