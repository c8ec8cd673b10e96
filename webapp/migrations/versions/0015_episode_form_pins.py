"""each episode keeps the form versions in force when it started

Create Date: 2026-12-03 09:10:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import foreign_key

revision = "0015"
down_revision = "0014"


def upgrade() -> None:
    # Episodes started earlier are pinned when a form is first used after this (to the
    # version of their newest response of that form, if any): webapp/assessments/pins.py.
    op.create_table(
        "episode_form_pin",
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.String(length=80), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("borough", sa.String(length=40), nullable=True),
        sa.Column("overlay_version", sa.Integer(), nullable=True),
        sa.Column("pinned_at", sa.DateTime(), nullable=False),
        sa.Column("moved_by_id", sa.Integer(), nullable=True),
        foreign_key("episode_form_pin", "episode_id", "episode"),
        foreign_key("episode_form_pin", "moved_by_id", "user_account"),
        sa.PrimaryKeyConstraint("episode_id", "form_id", name=op.f("pk_episode_form_pin")),
    )


def downgrade() -> None:
    op.drop_table("episode_form_pin")
