"""generated Word documents (provenance and hash) and signed copies

Revision ID: 0009w
Revises: 0008
Create Date: 2026-12-02 00:00:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_indexes, drop_indexes, foreign_key

revision = "0009w"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "generated_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("document_type", sa.String(length=40), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("consent_id", sa.Integer(), nullable=True),
        sa.Column("blank", sa.Boolean(), nullable=False),
        sa.Column("form_id", sa.String(length=80), nullable=True),
        sa.Column("form_version", sa.Integer(), nullable=True),
        sa.Column("borough", sa.String(length=40), nullable=True),
        sa.Column("overlay_version", sa.Integer(), nullable=True),
        sa.Column("template", sa.String(length=120), nullable=False),
        sa.Column("template_sha256", sa.String(length=64), nullable=False),
        sa.Column("recipient_organisation_id", sa.Integer(), nullable=True),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("sharing_decision_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("generated_by_id", sa.Integer(), nullable=False),
        sa.Column("generated_at", sa.DateTime(), nullable=False),
        foreign_key("generated_document", "consent_id", "consent"),
        foreign_key("generated_document", "episode_id", "episode"),
        foreign_key("generated_document", "generated_by_id", "user_account"),
        foreign_key("generated_document", "recipient_organisation_id", "organisation"),
        foreign_key("generated_document", "response_id", "form_response"),
        foreign_key("generated_document", "sharing_decision_id", "sharing_decision"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generated_document")),
    )
    create_indexes("generated_document", "episode_id", "sha256")

    op.create_table(
        "signed_copy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("document_type", sa.String(length=40), nullable=False),
        sa.Column("stored_file_id", sa.Integer(), nullable=False),
        sa.Column("generated_document_id", sa.Integer(), nullable=True),
        foreign_key("signed_copy", "episode_id", "episode"),
        foreign_key("signed_copy", "generated_document_id", "generated_document"),
        foreign_key("signed_copy", "stored_file_id", "stored_file"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signed_copy")),
        sa.UniqueConstraint("stored_file_id", name=op.f("uq_signed_copy_stored_file_id")),
    )
    create_indexes("signed_copy", "episode_id")


def downgrade() -> None:
    drop_indexes("signed_copy", "episode_id")
    op.drop_table("signed_copy")
    drop_indexes("generated_document", "sha256", "episode_id")
    op.drop_table("generated_document")
