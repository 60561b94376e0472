"""The member registry: the workers who own the co-op, their credentials and availability."""
