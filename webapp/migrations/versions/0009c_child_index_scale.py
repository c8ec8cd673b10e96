"""child index at national scale: composite search indexes, born_on and reference keys

Create Date: 2026-11-24 12:00:00

The child index looked candidates up with one OR over single-column keys, including the
expected date of delivery (not indexed) and upper(unique_reference) (not indexable), so
every search read the whole child table. Searches now read composite indexes. born_on is
the date of birth or the expected date of delivery; reference_key is the reference without
case or spaces; given_name_sound becomes the soundex of the first given name only (it was
the soundex of all given names run together, so 'Amelia' did not find 'Amelia Rose').
"""

import sqlalchemy as sa
from alembic import op

revision = "0009c"
down_revision = "0008"

BATCH = 10_000

COMPOSITE_INDEXES = {
    "ix_child_family_name_sound_born_on": ["family_name_sound", "born_on"],
    "ix_child_family_name_sound_given_name_sound_born_on": [
        "family_name_sound",
        "given_name_sound",
        "born_on",
    ],
    "ix_child_born_on_given_name_sound": ["born_on", "given_name_sound"],
}


def upgrade() -> None:
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reference_key", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("born_on", sa.Date(), nullable=True))
    op.execute(
        "UPDATE child SET born_on = COALESCE(date_of_birth, expected_delivery_date), "
        "reference_key = UPPER(unique_reference)"
    )
    _recompute_keys(first_name_only=True)
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.alter_column("born_on", existing_type=sa.Date(), nullable=False)
        batch_op.drop_index("ix_child_family_name_sound")
        batch_op.create_index("ix_child_reference_key", ["reference_key"], unique=False)
        for name, columns in COMPOSITE_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("child", schema=None) as batch_op:
        for name in COMPOSITE_INDEXES:
            batch_op.drop_index(name)
        batch_op.drop_index("ix_child_reference_key")
        batch_op.create_index("ix_child_family_name_sound", ["family_name_sound"], unique=False)
        batch_op.drop_column("born_on")
        batch_op.drop_column("reference_key")
    _recompute_keys(first_name_only=False)


def _recompute_keys(first_name_only: bool) -> None:
    """Recompute given_name_sound (and reference_key, where the SQL above could not match
    the Python rule) in batches, writing only the rows whose keys change."""
    from webapp.children import matching

    connection = op.get_bind()
    columns = [sa.column("id"), sa.column("given_names"), sa.column("given_name_sound")]
    if first_name_only:
        columns += [sa.column("unique_reference"), sa.column("reference_key")]
    child = sa.table("child", *columns)
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(*child.c).where(child.c.id > last_id).order_by(child.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        last_id = rows[-1].id
        changes = []
        for row in rows:
            if first_name_only:
                keys = {
                    "sound": matching.given_name_sound(row.given_names),
                    "reference": matching.reference_key(row.unique_reference),
                }
                if keys != {"sound": row.given_name_sound, "reference": row.reference_key}:
                    changes.append({"row_id": row.id, **keys})
            else:
                sound = matching.soundex(row.given_names)
                if sound != row.given_name_sound:
                    changes.append({"row_id": row.id, "sound": sound})
        if changes:
            values = {"given_name_sound": sa.bindparam("sound")}
            if first_name_only:
                values["reference_key"] = sa.bindparam("reference")
            connection.execute(
                child.update().where(child.c.id == sa.bindparam("row_id")).values(**values),
                changes,
            )
