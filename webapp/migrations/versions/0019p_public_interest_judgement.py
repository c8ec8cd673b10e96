"""a decision to share without consent records why it is necessary and proportionate,
whether the family was told and whose advice was taken, and the manager reviews it

Create Date: 2026-12-04 14:00:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_table, reference, unique, who_and_when

revision = "0019p"
down_revision = "0018s"


def upgrade() -> None:
    with op.batch_alter_table("sharing_decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("necessity", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("family_told", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("family_not_told_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("advice_taken", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("advice_from", sa.String(length=200), nullable=False, server_default="")
        )
    # The defaults only fill the rows written before; the application sets every value.
    with op.batch_alter_table("sharing_decision", schema=None) as batch_op:
        batch_op.alter_column("necessity", server_default=None)
        batch_op.alter_column("family_not_told_reason", server_default=None)
        batch_op.alter_column("advice_from", server_default=None)
    create_table(
        "sharing_review",
        reference("decision_id", "sharing_decision"),
        *who_and_when("reviewed"),
        sa.Column("agreed", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        unique("decision_id"),
    )


def downgrade() -> None:
    op.drop_table("sharing_review")
    with op.batch_alter_table("sharing_decision", schema=None) as batch_op:
        batch_op.drop_column("advice_from")
        batch_op.drop_column("advice_taken")
        batch_op.drop_column("family_not_told_reason")
        batch_op.drop_column("family_told")
        batch_op.drop_column("necessity")
