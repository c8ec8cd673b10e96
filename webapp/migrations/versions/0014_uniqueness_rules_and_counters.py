"""the domain's uniqueness rules held by the database (one open CAF per child, one open form
draft per borough and form, a practitioner in a team once, one handover waiting), and
counters allocated atomically

Create Date: 2026-12-03 08:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"

_PARTIAL_UNIQUE = (
    ("uq_episode_open_child", "episode", ["child_id"], "closed_at IS NULL"),
    (
        "uq_form_overlay_draft_open",
        "form_overlay_draft",
        ["borough", "form_id"],
        "state IN ('draft', 'awaiting_approval')",
    ),
    (
        "uq_tac_member_current_user",
        "tac_member",
        ["episode_id", "user_id"],
        "status IN ('invited', 'active') AND user_id IS NOT NULL",
    ),
    (
        "uq_lead_professional_change_proposed",
        "lead_professional_change",
        ["episode_id"],
        "status = 'proposed'",
    ),
)


def upgrade() -> None:
    op.create_table(
        "counter",
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counter")),
    )
    connection = op.get_bind()
    for name, table, columns, where in _PARTIAL_UNIQUE:
        listed = ", ".join(columns)
        clashes = connection.execute(
            sa.text(
                f"SELECT {listed}, count(*) FROM {table} WHERE {where} "  # noqa: S608 - constants
                f"GROUP BY {listed} HAVING count(*) > 1"
            )
        ).all()
        if clashes:
            raise RuntimeError(
                f"Cannot add the rule {name}: these rows of {table} break it and must be "
                f"resolved by hand first ({listed}, count): {clashes}"
            )
        op.create_index(
            name,
            table,
            columns,
            unique=True,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade() -> None:
    for name, table, _columns, _where in reversed(_PARTIAL_UNIQUE):
        op.drop_index(name, table_name=table)
    op.drop_table("counter")
