"""Personal accounts: sign in, sign out, throttling and idle time-out."""
