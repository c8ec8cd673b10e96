"""generated Word documents (provenance and hash) and signed copies

Revision ID: 0009w
Revises: 0008
Create Date: 2026-12-02 00:00:00
"""

import sqlalchemy as sa
from alembic import op

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
        sa.ForeignKeyConstraint(
            ["consent_id"], ["consent.id"], name=op.f("fk_generated_document_consent_id_consent")
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episode.id"], name=op.f("fk_generated_document_episode_id_episode")
        ),
        sa.ForeignKeyConstraint(
            ["generated_by_id"],
            ["user_account.id"],
            name=op.f("fk_generated_document_generated_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_generated_document_recipient_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["form_response.id"],
            name=op.f("fk_generated_document_response_id_form_response"),
        ),
        sa.ForeignKeyConstraint(
            ["sharing_decision_id"],
            ["sharing_decision.id"],
            name=op.f("fk_generated_document_sharing_decision_id_sharing_decision"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generated_document")),
    )
    with op.batch_alter_table("generated_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_generated_document_episode_id"), ["episode_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_generated_document_sha256"), ["sha256"], unique=False)

    op.create_table(
        "signed_copy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("document_type", sa.String(length=40), nullable=False),
        sa.Column("stored_file_id", sa.Integer(), nullable=False),
        sa.Column("generated_document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episode.id"], name=op.f("fk_signed_copy_episode_id_episode")
        ),
        sa.ForeignKeyConstraint(
            ["generated_document_id"],
            ["generated_document.id"],
            name=op.f("fk_signed_copy_generated_document_id_generated_document"),
        ),
        sa.ForeignKeyConstraint(
            ["stored_file_id"],
            ["stored_file.id"],
            name=op.f("fk_signed_copy_stored_file_id_stored_file"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signed_copy")),
        sa.UniqueConstraint("stored_file_id", name=op.f("uq_signed_copy_stored_file_id")),
    )
    with op.batch_alter_table("signed_copy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signed_copy_episode_id"), ["episode_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("signed_copy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signed_copy_episode_id"))
    op.drop_table("signed_copy")
    with op.batch_alter_table("generated_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_generated_document_sha256"))
        batch_op.drop_index(batch_op.f("ix_generated_document_episode_id"))
    op.drop_table("generated_document")
