"""`isaccheck tlp`: the TLP inventory of a repository, as plain data for the text and JSON views."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .model import Text
from .repository import Repository
from .tlp import Label, most_restrictive
from .tlpout import document_labels

TLP_CODES = ("tlp-missing", "tlp-invalid", "tlp-deprecated", "tlp-disagree", "tlp-understated", "tlp-sharing",
             "tlp-published")
UNLABELLED = "(none)"
UNDATED = "undated"  # a key of the JSON; the text output shows it in the output language


def inventory(repo: Repository) -> dict[str, Any]:
    """Documents per label, per type and per year; and every TLP finding, with file and line."""
    order = {label.value: label.rank for label in Label}
    per_label: Counter[str] = Counter()
    per_type: dict[str, Counter[str]] = {}
    per_year: dict[str, Counter[str]] = {}
    unlabelled: list[str] = []
    for doc in repo.documents:
        label = doc.tlp or UNLABELLED
        per_label[label] += 1
        per_type.setdefault(doc.type, Counter())[label] += 1
        year = str(doc.date.year) if doc.date else UNDATED
        per_year.setdefault(year, Counter())[label] += 1
        if doc.tlp is None:
            unlabelled.append(doc.path)

    def ordered(counter: Counter[str]) -> dict[str, int]:
        return dict(sorted(counter.items(), key=lambda kv: (order.get(kv[0], -1), kv[0])))

    # The findings quote the documents they are about (a recipient's name, a label): the inventory
    # carries the most restrictive of those labels, and a TLP:RED document's content never appears.
    labels = document_labels(repo)
    findings = []
    quoted: list[Label | None] = []
    for f in repo.findings:
        if f.code not in TLP_CODES:
            continue
        doc_label = labels.get(f.path)
        message = f.message
        if doc_label is Label.RED:
            message = Text(f"[withheld: {f.path} is TLP:RED]", f"[weggelaten: {f.path} is TLP:RED]")
        else:
            quoted.append(doc_label)
        findings.append({"code": f.code, "severity": f.severity.value, "path": f.path, "line": f.line,
                         "message": message.en, "message_nl": message.nl})
    by_code = Counter(f["code"] for f in findings)
    top = most_restrictive(quoted)
    extra: dict[str, Any] = {"templates": list(repo.templates)} if repo.templates else {}
    return {**extra,
        "tlp": top.value if top else None,
        "documents": len(repo.documents),
        "per_label": ordered(per_label),
        "per_type": {t: ordered(c) for t, c in sorted(per_type.items())},
        "per_year": {y: ordered(c) for y, c in sorted(per_year.items())},
        "unlabelled": sorted(unlabelled),
        "findings_per_code": dict(sorted(by_code.items())),
        "findings": findings,
    }
