"""child index: drop the indexes no query reads

Create Date: 2026-11-24 14:00:00

No query looks children up by the raw family name, date of birth or postcode, nor (since
0009c) by the normalised family name alone: the child index reads its composite keys.
Each of these indexes cost every insert and update of a child, and at national scale
(about 12 million children) a few hundred megabytes and minutes of every bulk load.
"""

from alembic import op

revision = "0009c2"
down_revision = "0009c"

UNUSED = {
    "ix_child_family_name": "family_name",
    "ix_child_date_of_birth": "date_of_birth",
    "ix_child_postcode": "postcode",
    "ix_child_family_name_key": "family_name_key",
}


def upgrade() -> None:
    with op.batch_alter_table("child", schema=None) as batch_op:
        for name in UNUSED:
            batch_op.drop_index(name)


def downgrade() -> None:
    with op.batch_alter_table("child", schema=None) as batch_op:
        for name, column in UNUSED.items():
            batch_op.create_index(name, [column], unique=False)
