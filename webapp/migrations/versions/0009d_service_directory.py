"""the borough service directory (Family Information Service)

Create Date: 2026-12-01 23:50:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import create_table, enum, reference, unique, who_and_when

revision = "0009d"
down_revision = "0008"


def upgrade() -> None:
    create_table(
        "directory_service",
        reference("borough_id", "borough"),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("provider", sa.String(length=160), nullable=False),
        sa.Column(
            "level",
            enum("servicelevel", "universal", "targeted", "specialist"),
            nullable=False,
        ),
        sa.Column("client_group", sa.String(length=500), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=False),
        sa.Column("max_age", sa.Integer(), nullable=False),
        sa.Column("coverage", sa.String(length=500), nullable=False),
        sa.Column("residents_only", sa.Boolean(), nullable=False),
        sa.Column("address", sa.String(length=400), nullable=False),
        sa.Column("self_referral", sa.Boolean(), nullable=False),
        sa.Column("professional_referral", sa.Boolean(), nullable=False),
        sa.Column("drop_in", sa.Boolean(), nullable=False),
        sa.Column("referral_details", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("website", sa.String(length=500), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *who_and_when("created"),
        *who_and_when("updated"),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "min_age >= 0 AND max_age >= min_age AND max_age <= 25",
            name=op.f("ck_directory_service_age_range"),
        ),
        unique("borough_id", "name"),
        indexes=("borough_id",),
    )


def downgrade() -> None:
    op.drop_table("directory_service")
