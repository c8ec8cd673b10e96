"""Children's centre registration consent, kept outside any CAF."""
