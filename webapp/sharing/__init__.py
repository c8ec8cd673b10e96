"""The information-sharing register (DESIGN §3, guidance 4.21-4.24): every decision to share
or not to share, with or without consent, and the public-interest test."""
