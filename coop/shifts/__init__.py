"""Cover requests, the shifts they make, shift patterns, and the one eligibility rule set."""
