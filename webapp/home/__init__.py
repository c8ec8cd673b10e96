"""The home page: the signed-in user's worklists."""
