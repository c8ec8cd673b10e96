"""The append-only audit trail (DESIGN §3): every read, change, search and export."""
