"""The borough's user accounts, kept by its administrators: roles, organisation, DBS check
date, training, deactivation."""
