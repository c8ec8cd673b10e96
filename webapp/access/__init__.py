"""Who may do what: roles, permissions and the one policy that decides."""
