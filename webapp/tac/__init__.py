"""The Team Around the Child: members (with or without accounts), invitations, removal,
the lead professional and handovers, and the record of who is involved with a child."""
