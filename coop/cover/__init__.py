"""Cover as people see it: requests and shifts with who is coming, open shifts, candidates."""
