"""Importing a borough's organisations and user accounts from CSV files: every row is
checked first, and nothing is imported unless every row is right."""
