"""join the branches of 0009–0011 (child index, service directory, join requests, workflow
choices and templates, consent reviews, user administration) into one head

Create Date: 2026-12-02 01:50:00
"""

revision = "0012"
down_revision = ("0009c2", "0009d", "0009x", "0011c", "0011g", "0011u")


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
