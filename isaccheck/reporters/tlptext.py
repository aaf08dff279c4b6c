"""Text view of the TLP inventory (`isaccheck tlp`)."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table

from ..escape import neutralise, plain
from ..i18n import severity_word
from ..model import Text

WORDS = {
    "title": Text("TLP inventory", "TLP-overzicht"),
    "label": Text("Label", "Label"),
    "type": Text("Type", "Type"),
    "year": Text("Year", "Jaar"),
    "unlabelled": Text("Documents without a label", "Documenten zonder label"),
    "findings": Text("TLP findings", "TLP-bevindingen"),
    "none": Text("none", "geen"),
    "documents": Text("documents", "documenten"),
}


def _counts_table(rows: dict[str, dict[str, int]], first: str, labels: list[str]) -> Table:
    table = Table(box=None, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column(first)
    for label in labels:
        table.add_column(label, justify="right")
    for key, counts in rows.items():
        table.add_row(key, *[str(counts.get(label, "")) for label in labels])
    return table


def render_inventory(data: dict[str, Any], name: str, lang: str) -> str:
    buffer = io.StringIO()
    # markup=False and plain(): a file named `notes [/b].md` is text, not markup or a control sequence.
    console = Console(file=buffer, width=80, color_system=None, highlight=False, emoji=False, markup=False)
    labels = list(data["per_label"])
    if data.get("tlp"):
        console.print(f"TLP:{data['tlp']}")
    console.print(f"{plain(name)} · {WORDS['title'](lang)} · {data['documents']} {WORDS['documents'](lang)}")
    console.print()
    console.print(_counts_table({"": data["per_label"]}, WORDS["label"](lang), labels))
    console.print()
    console.print(_counts_table(data["per_type"], WORDS["type"](lang), labels))
    console.print()
    console.print(_counts_table(data["per_year"], WORDS["year"](lang), labels))
    console.print()
    console.print(f"{WORDS['unlabelled'](lang)} ({len(data['unlabelled'])})")
    for path in data["unlabelled"]:
        console.print(f"  {plain(path)}")
    console.print()
    console.print(f"{WORDS['findings'](lang)} ({len(data['findings'])})")
    if not data["findings"]:
        console.print(f"  {WORDS['none'](lang)}")
    for f in data["findings"]:
        where = plain(f"{f['path']}:{f['line']}" if f["line"] else f["path"])
        message = plain(f["message_nl"] if lang == "nl" else f["message"])
        console.print(f"  {severity_word(f['severity'], lang)} {f['code']:<15} {where} {message}")
    return neutralise("\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n")
