"""a practitioner takes the steps of a lead professional who has no account

Create Date: 2026-12-04 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018s"
down_revision = "0018u"


def upgrade() -> None:
    with op.batch_alter_table("episode") as batch:
        batch.add_column(sa.Column("acting_for_lead_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_episode_acting_for_lead_id"), ["acting_for_lead_id"])
        batch.create_foreign_key(
            batch.f("fk_episode_acting_for_lead_id_user_account"),
            "user_account",
            ["acting_for_lead_id"],
            ["id"],
        )
    with op.batch_alter_table("episode_transition") as batch:
        batch.add_column(sa.Column("on_behalf_of_member_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_episode_transition_on_behalf_of_member_id_tac_member"),
            "tac_member",
            ["on_behalf_of_member_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("episode_transition") as batch:
        batch.drop_constraint(
            batch.f("fk_episode_transition_on_behalf_of_member_id_tac_member"), type_="foreignkey"
        )
        batch.drop_column("on_behalf_of_member_id")
    with op.batch_alter_table("episode") as batch:
        batch.drop_constraint(
            batch.f("fk_episode_acting_for_lead_id_user_account"), type_="foreignkey"
        )
        batch.drop_index(batch.f("ix_episode_acting_for_lead_id"))
        batch.drop_column("acting_for_lead_id")
