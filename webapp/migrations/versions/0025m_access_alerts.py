"""access alerts: alerts on patterns of searches that suggest misuse, and each borough's
thresholds for the alert rules

Revision ID: 0025m
Revises: 0024w
Create Date: 2026-12-03 22:40:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import foreign_key

revision = "0025m"
down_revision = "0024w"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("borough_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("window_hours", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        foreign_key("alert_setting", "borough_id", "borough"),
        foreign_key("alert_setting", "changed_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_setting")),
        sa.UniqueConstraint("borough_id", "rule", name=op.f("uq_alert_setting_borough_id_rule")),
    )
    op.create_table(
        "access_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("borough_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_comment", sa.Text(), nullable=False),
        foreign_key("access_alert", "borough_id", "borough"),
        foreign_key("access_alert", "user_id", "user_account"),
        foreign_key("access_alert", "event_id", "audit_event"),
        foreign_key("access_alert", "reviewed_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_alert")),
    )
    op.create_index(
        "ix_access_alert_borough_reviewed", "access_alert", ["borough_id", "reviewed_at"]
    )
    op.create_index(
        "ix_access_alert_user_rule_raised", "access_alert", ["user_id", "rule", "raised_at"]
    )


def downgrade() -> None:
    op.drop_table("access_alert")
    op.drop_table("alert_setting")
