"""Synthetic demonstration data. No real person's details appear anywhere in it."""
