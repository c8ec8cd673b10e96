"""uploaded files, and the signed statement on a consent record

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 10:00:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_indexes, drop_indexes, foreign_key

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_path", sa.String(length=255), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        foreign_key("stored_file", "episode_id", "episode"),
        foreign_key("stored_file", "uploaded_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_file")),
        sa.UniqueConstraint("stored_path", name=op.f("uq_stored_file_stored_path")),
    )
    create_indexes("stored_file", "episode_id")

    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signed_statement_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_consent_signed_statement_id_stored_file"),
            "stored_file",
            ["signed_statement_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_consent_signed_statement_id_stored_file"), type_="foreignkey"
        )
        batch_op.drop_column("signed_statement_id")

    drop_indexes("stored_file", "episode_id")
    op.drop_table("stored_file")
