"""isaccheck: policy-as-code maturity checker for ISAC document repositories."""

__version__ = "0.1.0"

# Before any isaccheck module defines a dataclass: their methods come compiled (dataclasscode.py).
from . import dataclasscode as _dataclasscode  # noqa: E402

_dataclasscode.install()
