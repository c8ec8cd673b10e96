"""generated Word documents (provenance and hash) and signed copies

Create Date: 2026-12-02 00:00:00
"""

import sqlalchemy as sa

from webapp.migrations.helpers import create_table, drop_tables, reference, unique, who_and_when

revision = "0009w"
down_revision = "0008"


def upgrade() -> None:
    create_table(
        "generated_document",
        reference("episode_id", "episode"),
        sa.Column("document_type", sa.String(length=40), nullable=False),
        reference("response_id", "form_response", nullable=True),
        reference("consent_id", "consent", nullable=True),
        sa.Column("blank", sa.Boolean(), nullable=False),
        sa.Column("form_id", sa.String(length=80), nullable=True),
        sa.Column("form_version", sa.Integer(), nullable=True),
        sa.Column("borough", sa.String(length=40), nullable=True),
        sa.Column("overlay_version", sa.Integer(), nullable=True),
        sa.Column("template", sa.String(length=120), nullable=False),
        sa.Column("template_sha256", sa.String(length=64), nullable=False),
        reference("recipient_organisation_id", "organisation", nullable=True),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        reference("sharing_decision_id", "sharing_decision", nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        *who_and_when("generated"),
        indexes=("episode_id", "sha256"),
    )

    create_table(
        "signed_copy",
        reference("episode_id", "episode"),
        sa.Column("document_type", sa.String(length=40), nullable=False),
        reference("stored_file_id", "stored_file"),
        reference("generated_document_id", "generated_document", nullable=True),
        unique("stored_file_id"),
        indexes=("episode_id",),
    )


def downgrade() -> None:
    drop_tables("signed_copy", "generated_document")
