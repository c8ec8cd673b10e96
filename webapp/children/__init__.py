"""Children: basic identifying details only, never assessment content (DESIGN §3)."""
