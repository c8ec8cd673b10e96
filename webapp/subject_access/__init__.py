"""Subject access: everything the system holds about one child, for the borough CAF contact
to review and disclose (the right to see their records, guidance 4.12 and seed 003)."""
