"""Stage 5, render: reporters behind one small interface, in a name -> class registry.

A reporter turns an Evaluation (plus the rule pack for question texts and advice) into text.
It never prints, never exits and never reads files: the CLI does that.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Protocol

if TYPE_CHECKING:
    from ..gate import GateResult
    from ..model import Evaluation
    from ..rulepack import RulePack


@dataclass(frozen=True)
class RenderOptions:
    lang: str = "en"
    color: bool = False
    verbose: bool = False
    width: int = 80
    # For the CI formats (docs/ci.md): the gate's verdict, and where the repository sits in the checkout.
    gate: "GateResult | None" = None
    path_prefix: str = ""


class Reporter(Protocol):
    name: str

    def render(self, evaluation: Evaluation, pack: RulePack, options: RenderOptions) -> str: ...


# Where each reporter lives: a command imports only the reporter it renders with (start-up
# time, docs/performance.md). Importing a module registers its class over the lazy entry.
_MODULES = {"github": "github", "gitlab": "gitlab", "json": "jsonout", "junit": "junit", "sarif": "sarif",
            "text": "text"}


def _lazy(name: str) -> Callable[[], Reporter]:
    def make() -> Reporter:
        importlib.import_module(f"{__name__}.{_MODULES[name]}")
        return REPORTERS[name]()

    return make


REPORTERS: dict[str, Callable[[], Reporter]] = {name: _lazy(name) for name in _MODULES}


def register(name: str) -> Callable[[type], type]:
    def add(cls: type) -> type:
        setattr(cls, "name", name)
        REPORTERS[name] = cls
        return cls

    return add


def get_reporter(name: str) -> Reporter:
    return REPORTERS[name]()

