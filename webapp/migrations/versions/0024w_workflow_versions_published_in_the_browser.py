"""workflow versions drafted and published in the browser; a published version can never be
changed or removed (a trigger refuses both, on SQLite and PostgreSQL)

Create Date: 2026-12-03 22:10:00
"""

import sqlalchemy as sa

from webapp.migrations.helpers import (
    allow_update_and_delete,
    create_publication_steps,
    create_table,
    create_unique_index_where,
    drop_tables,
    publication_draft_columns,
    published_version_columns,
    refuse_update_and_delete,
    unique,
)

revision = "0024w"
down_revision = "0023m"


def upgrade() -> None:
    create_table(
        "workflow_override_draft",
        sa.Column("workflow_id", sa.String(length=80), nullable=False),
        sa.Column("starts_from_version", sa.Integer(), nullable=True),
        sa.Column("borough", sa.String(length=40), nullable=False),
        *publication_draft_columns(),
        indexes=("borough",),
    )
    create_unique_index_where(
        "workflow_override_draft",
        "uq_workflow_override_draft_open",
        ["borough"],
        "state IN ('draft', 'awaiting_approval')",
    )

    create_publication_steps("workflow_override_draft_transition", "workflow_override_draft")

    create_table(
        "workflow_override_version",
        sa.Column("borough", sa.String(length=40), nullable=False),
        sa.Column("workflow_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("extends_id", sa.String(length=80), nullable=False),
        sa.Column("extends_version", sa.Integer(), nullable=False),
        *published_version_columns("workflow_override_draft"),
        unique("workflow_id", "version"),
        indexes=("borough",),
    )

    _create_immutability_trigger()


def downgrade() -> None:
    _drop_immutability_trigger()

    drop_tables(
        "workflow_override_version", "workflow_override_draft_transition", "workflow_override_draft"
    )


MESSAGE = "a published workflow version never changes: publish a new version"


def _create_immutability_trigger() -> None:
    refuse_update_and_delete(
        "workflow_override_version", MESSAGE, "workflow_override_version_immutable"
    )


def _drop_immutability_trigger() -> None:
    allow_update_and_delete("workflow_override_version", "workflow_override_version_immutable")
