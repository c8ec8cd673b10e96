"""answers the family asked not to be shared, and the agency that recorded them

Create Date: 2026-11-24 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    with op.batch_alter_table("form_response_section", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("not_shared_json", sa.Text(), nullable=False, server_default="[]")
        )
        batch_op.add_column(sa.Column("not_shared_organisation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_form_response_section_not_shared_organisation_id_organisation"),
            "organisation",
            ["not_shared_organisation_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("form_response_section", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_form_response_section_not_shared_organisation_id_organisation"),
            type_="foreignkey",
        )
        batch_op.drop_column("not_shared_organisation_id")
        batch_op.drop_column("not_shared_json")
