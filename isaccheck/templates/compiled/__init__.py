"""Report templates compiled by tools/compile_templates.py (see there)."""
