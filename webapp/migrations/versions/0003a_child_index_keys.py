"""child index keys

Create Date: 2026-11-23 18:24:27.395617
"""

import sqlalchemy as sa
from alembic import op

revision = "0003a"
down_revision = "0002"


def upgrade() -> None:
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("family_name_key", sa.String(length=120), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("family_name_sound", sa.String(length=8), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("given_name_sound", sa.String(length=8), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("postcode_key", sa.String(length=10), nullable=False, server_default="")
        )
        batch_op.create_index(
            batch_op.f("ix_child_family_name_key"), ["family_name_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_child_family_name_sound"), ["family_name_sound"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_child_postcode_key"), ["postcode_key"], unique=False)
    _fill_keys()


def downgrade() -> None:
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_child_postcode_key"))
        batch_op.drop_index(batch_op.f("ix_child_family_name_sound"))
        batch_op.drop_index(batch_op.f("ix_child_family_name_key"))
        batch_op.drop_column("postcode_key")
        batch_op.drop_column("given_name_sound")
        batch_op.drop_column("family_name_sound")
        batch_op.drop_column("family_name_key")


def _fill_keys() -> None:
    """Compute the search keys of children already in the index."""
    from webapp.children import matching

    connection = op.get_bind()
    child = sa.table(
        "child",
        sa.column("id"),
        sa.column("family_name"),
        sa.column("given_names"),
        sa.column("postcode"),
        sa.column("family_name_key"),
        sa.column("family_name_sound"),
        sa.column("given_name_sound"),
        sa.column("postcode_key"),
    )
    rows = connection.execute(
        sa.select(child.c.id, child.c.family_name, child.c.given_names, child.c.postcode)
    ).all()
    for row in rows:
        connection.execute(
            child.update()
            .where(child.c.id == row.id)
            .values(
                family_name_key=matching.normalise(row.family_name),
                family_name_sound=matching.soundex(row.family_name),
                given_name_sound=matching.soundex(row.given_names),
                postcode_key=matching.postcode_key(row.postcode or ""),
            )
        )
