"""A borough's choices among the options its workflow definition offers, as immutable
versions; each episode pins the version in force when it started."""
