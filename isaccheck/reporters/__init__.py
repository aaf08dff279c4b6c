"""Stage 5, render: reporters behind one small interface, in a name -> class registry.

A reporter turns an Evaluation (plus the rule pack for question texts and advice) into text.
It never prints, never exits and never reads files: the CLI does that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Protocol

from ..model import Evaluation
from ..rulepack import RulePack

if TYPE_CHECKING:
    from ..gate import GateResult


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


REPORTERS: dict[str, Callable[[], Reporter]] = {}


def register(name: str) -> Callable[[type], type]:
    def add(cls: type) -> type:
        setattr(cls, "name", name)
        REPORTERS[name] = cls
        return cls

    return add


def get_reporter(name: str) -> Reporter:
    return REPORTERS[name]()


# Importing the modules registers them.
from . import jsonout, text  # noqa: E402,F401
from . import github, gitlab, junit, sarif  # noqa: E402,F401
