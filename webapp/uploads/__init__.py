"""Uploaded files (signed statements and scans): checked by their content, stored outside the
web root under random names, and served only to users who may see the episode."""
