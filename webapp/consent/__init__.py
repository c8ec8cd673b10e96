"""Consent to assess, record and share (DESIGN §3): first-class records, never inferred."""
