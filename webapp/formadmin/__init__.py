"""Borough administrators customise their forms in the browser: overlay drafts, preview,
comparison, a second administrator's approval, and immutable published versions."""
