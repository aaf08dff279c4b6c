"""isaccheck: policy-as-code maturity checker for ISAC document repositories."""

__version__ = "0.1.0"
