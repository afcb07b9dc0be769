"""Statistics sources: one plugin per CBS/politie table (see base.py and registry.py)."""
