"""a borough's workflow choices as versions pinned by episodes; Word templates uploaded
through the web

Revision ID: 0011c
Revises: 0010f
Create Date: 2026-12-02 01:10:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_indexes, drop_indexes, foreign_key

revision = "0011c"
down_revision = "0010f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workflow_choice_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("borough_id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("selections_json", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("chosen_by_id", sa.Integer(), nullable=False),
        sa.Column("chosen_at", sa.DateTime(), nullable=False),
        foreign_key("workflow_choice_version", "borough_id", "borough"),
        foreign_key("workflow_choice_version", "chosen_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_choice_version")),
        sa.UniqueConstraint(
            "borough_id",
            "workflow_id",
            "version",
            name=op.f("uq_workflow_choice_version_borough_id_workflow_id_version"),
        ),
    )
    create_indexes("workflow_choice_version", "borough_id")

    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.add_column(sa.Column("workflow_choices_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_episode_workflow_choices_id_workflow_choice_version"),
            "workflow_choice_version",
            ["workflow_choices_id"],
            ["id"],
        )

    op.create_table(
        "uploaded_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("borough", sa.String(length=40), nullable=False),
        sa.Column("document_type", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        foreign_key("uploaded_template", "uploaded_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uploaded_template")),
        sa.UniqueConstraint(
            "borough",
            "document_type",
            "version",
            name=op.f("uq_uploaded_template_borough_document_type_version"),
        ),
    )
    create_indexes("uploaded_template", "borough")


def downgrade() -> None:
    drop_indexes("uploaded_template", "borough")
    op.drop_table("uploaded_template")
    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_episode_workflow_choices_id_workflow_choice_version"),
            type_="foreignkey",
        )
        batch_op.drop_column("workflow_choices_id")
    drop_indexes("workflow_choice_version", "borough_id")
    op.drop_table("workflow_choice_version")
