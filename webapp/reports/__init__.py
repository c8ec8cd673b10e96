"""Reports for managers, borough CAF contacts and administrators: counts aggregated in the
database, small numbers suppressed before anything leaves the server."""
