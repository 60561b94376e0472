"""Roster runs: the co-op's data handed to the `scheduling` engine as a durable job, and the result applied."""
