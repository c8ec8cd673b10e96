"""consent: what the family do not want shared, or not with whom, is kept with the consent
record, now the one place consent is recorded

Create Date: 2026-12-04 07:00:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import on_sqlite

revision = "0029c"
down_revision = "0028t"


def upgrade() -> None:
    op.add_column(
        "consent", sa.Column("not_to_share", sa.Text(), server_default="", nullable=False)
    )


def downgrade() -> None:
    if on_sqlite():
        op.execute("ALTER TABLE consent DROP COLUMN not_to_share")
    else:
        op.drop_column("consent", "not_to_share")
