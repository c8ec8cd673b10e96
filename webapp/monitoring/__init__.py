"""Watching the watchers: who looked at a child's record and what a practitioner looked at,
read from the audit trail, and urgent ("break-glass") access to an episode, granted for a
short time, reported at once to the borough CAF contact and reviewed by them afterwards."""
