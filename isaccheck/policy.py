"""The policy in force: every setting that decides what the gate asks, listed for the reviewer.

A gate can be loosened without touching a single document: a `not_applicable` entry, a rule
parameter (`months: 600`), a `types:` glob that adopts any file as evidence, an `ignore:` glob
that hides the failing document, `tlp.required_for: []`, a lowered ambition, a regenerated
baseline (issue 15.15). Every CI format lists these items; with `--policy-from REF` (the pull
request's base branch) each item also says whether this change added, changed or removed it, so
a reviewer sees a gate loosened. Values are settings, never document content (a not-applicable
reason is left out: it can quote TLP material).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

from .config import CONFIG_FILE, PROFILE_FILE, Config, parse_config
from .errors import ConfigError
from .model import Text
from .repository import DEFAULT_TLP_REQUIRED, load_profile, settings_text
from .rulepack import RulePack
from .sources import Source, SourceEntry


@dataclass(frozen=True)
class PolicyItem:
    kind: str  # waiver | parameter | type | ignore | tlp | ambition | attestation | rule-pack | baseline
    subject: str
    value: str
    path: str  # the settings file that sets it
    line: int | None = None
    change: str | None = None  # with --policy-from: "added", "changed (was ...)", "removed"

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.subject)

    def describe(self, lang: str) -> str:
        what = KIND_WORDS[self.kind](lang) if self.kind in KIND_WORDS else self.kind
        change = ""
        if self.change:
            first, _, rest = self.change.partition(" ")
            change = f" [{CHANGE_WORDS[first](lang)}{' ' + rest if rest else ''}]"
        return f"{what} {self.subject}: {self.value}{change}"


KIND_WORDS = {
    "waiver": Text("not applicable", "niet van toepassing"),
    "parameter": Text("rule parameter", "regelparameter"),
    "type": Text("type adoption", "type-toekenning"),
    "ignore": Text("ignored", "genegeerd"),
    "tlp": Text("TLP setting", "TLP-instelling"),
    "ambition": Text("ambition", "ambitie"),
    "attestation": Text("attestation setting", "bevestigingsinstelling"),
    "rule-pack": Text("extra rule pack", "extra regelset"),
    "baseline": Text("baseline", "baseline"),
}
CHANGE_WORDS = {
    "added": Text("added in this change", "toegevoegd in deze wijziging"),
    "changed": Text("changed in this change", "gewijzigd in deze wijziging"),
    "removed": Text("removed in this change", "verwijderd in deze wijziging"),
}


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def policy_items(config: Config, profile: Mapping[str, Any], profile_lines: Mapping[str, int], pack: RulePack,
                 baseline: tuple[str, str] | None = None) -> tuple[PolicyItem, ...]:
    """Every setting that loosens or tightens the gate, from isaccheck.yaml and isac.yaml."""
    items: list[PolicyItem] = []
    raw = profile.get("not_applicable")
    for index, entry in enumerate(raw if isinstance(raw, list) else []):
        if isinstance(entry, dict):
            expires = f", expires {entry.get('expires')}" if entry.get("expires") else ""
            items.append(PolicyItem("waiver", str(entry.get("question")),
                                    f"decided {entry.get('decided_on')} in {entry.get('decided_in')}{expires}",
                                    PROFILE_FILE, profile_lines.get(f"not_applicable.{index}")))
    for rule_id, overrides in sorted(config.rule_overrides.items()):
        rule = pack.rule(rule_id)
        for name, value in sorted(overrides.items()):
            default = rule.parameters[name].default if rule and name in rule.parameters else None
            if value != default:
                items.append(PolicyItem("parameter", f"{rule_id}.{name}", f"{_shown(value)} (pack: {_shown(default)})",
                                        CONFIG_FILE, config.lines.get(f"rules.{rule_id}.{name}")))
    for mapping in config.types:
        items.append(PolicyItem("type", mapping.glob, mapping.type + (f" {_shown(dict(mapping.defaults))}"
                                                                       if mapping.defaults else ""), CONFIG_FILE))
    for glob in config.ignore:
        items.append(PolicyItem("ignore", glob, "not read", CONFIG_FILE, config.lines.get("ignore")))
    required = config.tlp.get("required_for")
    if required is not None and set(required) != set(DEFAULT_TLP_REQUIRED):
        items.append(PolicyItem("tlp", "required_for", f"{_shown(sorted(required))} (default: "
                                f"{_shown(sorted(DEFAULT_TLP_REQUIRED))})", CONFIG_FILE, config.lines.get("tlp.required_for")))
    for name, value in sorted(config.attestation.items()):
        items.append(PolicyItem("attestation", name, _shown(value), CONFIG_FILE, config.lines.get(f"attestation.{name}")))
    for folder in config.rule_packs:
        items.append(PolicyItem("rule-pack", folder, "extra rules", CONFIG_FILE, config.lines.get("rule_packs")))
    ambition = profile.get("ambition")
    if isinstance(ambition, dict):
        for code, level in sorted(ambition.items()):
            items.append(PolicyItem("ambition", str(code), _shown(level), PROFILE_FILE,
                                    profile_lines.get(f"ambition.{code}") or profile_lines.get("ambition")))
    if baseline is not None:
        items.append(PolicyItem("baseline", baseline[0], baseline[1], CONFIG_FILE))
    return tuple(items)


def baseline_origin(data: Mapping[str, Any], text: bytes) -> str:
    """What a reviewer needs to judge a baseline: when it was made, from which commit, and its digest."""
    digest = hashlib.sha256(text).hexdigest()[:12]
    return f"as of {data.get('as_of')}, commit {str(data.get('commit'))[:12]}, sha256 {digest}"


def compare(current: Iterable[PolicyItem], base: Iterable[PolicyItem]) -> tuple[PolicyItem, ...]:
    """The current items, each marked added/changed against base; base items now gone, marked removed."""
    before = {item.key: item for item in base}
    marked: list[PolicyItem] = []
    now = list(current)
    for item in now:
        old = before.get(item.key)
        if old is None:
            marked.append(replace(item, change="added"))
        elif old.value != item.value:
            marked.append(replace(item, change=f"changed (was {old.value})"))
        else:
            marked.append(item)
    keys = {item.key for item in now}
    marked += [replace(item, change="removed", line=None) for item in before.values() if item.key not in keys]
    return tuple(marked)


def items_at(root: Path, ref: str, pack: RulePack, baseline: str | None) -> tuple[PolicyItem, ...]:
    """The policy as the settings at git REF (the base branch) have it: trusted, unlike this change's."""
    from .gitevidence import find_repo, read_at_ref

    repo = find_repo(root, "on")
    if repo is None:  # find_repo raises with mode "on"; for the type checker
        raise ConfigError(f"--policy-from {ref}: {root} is not in a git work tree")
    def read(source: Source, entries: dict[str, SourceEntry]) -> tuple[Config, str, tuple[str, str] | None]:
        config = parse_config(settings_text(source, entries, CONFIG_FILE))
        origin = None
        if baseline and baseline in entries:
            raw = source.read(baseline)
            try:
                data = json.loads(raw)
            except ValueError:
                data = {}
            origin = (baseline, baseline_origin(data if isinstance(data, dict) else {}, raw))
        return config, settings_text(source, entries, PROFILE_FILE) or "", origin

    config, profile_text, origin = read_at_ref(repo, ref, read)
    profile, _ = load_profile(profile_text)
    return policy_items(config, profile.data, profile.lines, pack, origin)
