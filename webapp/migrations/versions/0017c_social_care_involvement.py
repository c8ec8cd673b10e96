"""whether children's social care is or has been involved, asked when a CAF starts

Create Date: 2026-12-04 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017c"
down_revision = "0016r"


def upgrade() -> None:
    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "social_care_involvement",
                sa.Enum(
                    "yes",
                    "no",
                    "not_known",
                    name="socialcareinvolvement",
                    native_enum=False,
                    create_constraint=False,
                    length=32,
                ),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.drop_column("social_care_involvement")
