"""Who may take a shift: the one rule set booking, open shifts, candidates and the engine adapter call."""
