"""access alerts: alerts on patterns of searches that suggest misuse, and each borough's
thresholds for the alert rules

Create Date: 2026-12-03 22:40:00
"""

import sqlalchemy as sa
from alembic import op

from webapp.migrations.helpers import (
    create_table,
    drop_tables,
    foreign_key,
    reference,
    unique,
    who_and_when,
)

revision = "0025m"
down_revision = "0024w"


def upgrade() -> None:
    create_table(
        "alert_setting",
        reference("borough_id", "borough"),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("window_hours", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        *who_and_when("changed"),
        unique("borough_id", "rule"),
    )
    create_table(
        "access_alert",
        reference("borough_id", "borough"),
        reference("user_id", "user_account"),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        *who_and_when("reviewed", nullable=True, time_first=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_comment", sa.Text(), nullable=False),
        foreign_key("access_alert", "event_id", "audit_event"),
    )
    op.create_index(
        "ix_access_alert_borough_reviewed", "access_alert", ["borough_id", "reviewed_at"]
    )
    op.create_index(
        "ix_access_alert_user_rule_raised", "access_alert", ["user_id", "rule", "raised_at"]
    )


def downgrade() -> None:
    drop_tables("access_alert", "alert_setting")
