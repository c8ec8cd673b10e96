"""Cross-borough working (the London CAF protocol, seed 004): practitioners of any borough
ask to join a team around the child, the episode borough's CAF contact checks their reason,
and episodes move to a child's new borough of residence."""
