"""Users, roles, passwords and tokens, and the policy every use-case asks before it acts."""
