"""Administration pages for borough and system administrators."""
