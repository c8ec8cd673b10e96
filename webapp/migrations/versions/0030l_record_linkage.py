"""record linkage: children merged into another record (reversibly), the review queue of
pairs the model was unsure of, and a run's merged, queued and likely duplicate counts

Create Date: 2026-12-04 12:10:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import (
    add_reference,
    create_indexes,
    create_table,
    drop_indexes,
    drop_reference,
    drop_tables,
    reference,
)

revision = "0030l"
down_revision = "0030r"

RUN_COUNTS = ("merged", "queued", "likely_duplicates")


def upgrade() -> None:
    add_reference("child", "merged_into_id", "child")
    create_indexes("child", "merged_into_id")
    with op.batch_alter_table("child_import_run", schema=None) as batch_op:
        for name in RUN_COUNTS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    create_table(
        "child_merge",
        reference("borough_id", "borough"),
        reference("kept_child_id", "child"),
        reference("merged_child_id", "child"),
        sa.Column("how", sa.String(length=16), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=True),
        reference("import_run_id", "child_import_run", nullable=True),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        reference("merged_by_id", "user_account", nullable=True),
        sa.Column("moved", sa.Text(), nullable=False),
        sa.Column("replaced", sa.Text(), nullable=False),
        sa.Column("unmerged_at", sa.DateTime(), nullable=True),
        reference("unmerged_by_id", "user_account", nullable=True),
        indexes=("borough_id", "kept_child_id", "merged_child_id"),
    )
    create_table(
        "child_link_review",
        reference("borough_id", "borough"),
        reference("child_id", "child"),
        reference("candidate_id", "child"),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("weights", sa.Text(), nullable=False),
        reference("import_run_id", "child_import_run", nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        reference("decided_by_id", "user_account", nullable=True),
        reference("merge_id", "child_merge", nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        indexes=("borough_id", "child_id", "candidate_id"),
    )


def downgrade() -> None:
    drop_tables("child_link_review", "child_merge")
    with op.batch_alter_table("child_import_run", schema=None) as batch_op:
        for name in RUN_COUNTS:
            batch_op.drop_column(name)
    drop_indexes("child", "merged_into_id")
    drop_reference("child", "merged_into_id", "child")
