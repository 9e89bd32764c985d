"""Access specs of this app's URLs (merged into tests/access/specs.py)."""

SPECS: dict = {}
