"""The `coop` command: migrate, load the demo co-op, serve, run workers, create users, rotate the secret."""
