"""a consent record says whether the family explicitly agreed to sensitive information
being recorded and shared (DCSF 2010, paragraph 17); implied consent covers basic
information only

Create Date: 2026-12-03 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020s"
down_revision = "0020d"


def upgrade() -> None:
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("includes_sensitive", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Consent recorded before was given in writing or verbally (explicit) on the CAF
    # consent, after the practitioner explained what would be recorded and shared - the
    # whole assessment - so it covered the assessment's sensitive content. A consent
    # started from a children's centre registration covers basic information only.
    consent = sa.table(
        "consent",
        sa.column("decision", sa.String),
        sa.column("method", sa.String),
        sa.column("includes_sensitive", sa.Boolean),
    )
    covered = sa.and_(consent.c.decision == "given", consent.c.method.in_(["written", "verbal"]))
    columns = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("consent")}
    if "centre_registration_id" in columns:
        covered = sa.and_(covered, sa.column("centre_registration_id").is_(None))
    op.execute(consent.update().where(covered).values(includes_sensitive=True))


def downgrade() -> None:
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_column("includes_sensitive")
