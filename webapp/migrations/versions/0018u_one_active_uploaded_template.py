"""at most one active uploaded Word template per borough and document type, held by the
database

Create Date: 2026-12-03 09:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018u"
down_revision = "0017c"


def upgrade() -> None:
    clashes = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT borough, document_type, count(*) FROM uploaded_template WHERE active "
                "GROUP BY borough, document_type HAVING count(*) > 1"
            )
        )
        .all()
    )
    if clashes:
        raise RuntimeError(
            "Cannot add the rule uq_uploaded_template_active: these boroughs have more than "
            f"one active template of a type; withdraw all but one first: {clashes}"
        )
    op.create_index(
        "uq_uploaded_template_active",
        "uploaded_template",
        ["borough", "document_type"],
        unique=True,
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )


def downgrade() -> None:
    op.drop_index("uq_uploaded_template_active", table_name="uploaded_template")
