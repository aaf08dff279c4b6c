"""Text view of the TLP inventory (`isaccheck tlp`)."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table

from ..escape import neutralise, plain
from ..i18n import plural, severity_word, type_name
from ..model import Text
from ..tlpinventory import UNDATED

WORDS = {
    "title": Text("TLP inventory", "TLP-overzicht"),
    "label": Text("Label", "Label"),
    "type": Text("Type", "Type"),
    "year": Text("Year", "Jaar"),
    "unlabelled": Text("Documents without a label", "Documenten zonder label"),
    "findings": Text("TLP findings", "TLP-bevindingen"),
    "templates": Text("Templates, not counted (templates in isaccheck.yaml)",
                      "Sjablonen die niet meetellen (templates in isaccheck.yaml)"),
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
    console.print(f"{plain(name)} · {WORDS['title'](lang)} · {plural(data['documents'], 'document', lang)}")
    console.print()
    console.print(_counts_table({"": data["per_label"]}, WORDS["label"](lang), labels))
    console.print()
    # Dutch rows name the types in Dutch; the JSON keeps the keys documents use.
    per_type = {type_name(k, lang) if lang == "nl" else k: v for k, v in data["per_type"].items()}
    console.print(_counts_table(per_type, WORDS["type"](lang), labels))
    console.print()
    per_year = {("zonder datum" if lang == "nl" else "undated") if k == UNDATED else k: v
                for k, v in data["per_year"].items()}
    console.print(_counts_table(per_year, WORDS["year"](lang), labels))
    console.print()
    console.print(f"{WORDS['unlabelled'](lang)} ({len(data['unlabelled'])})")
    for path in data["unlabelled"]:
        console.print(f"  {plain(path)}")
    if data.get("templates"):
        # Named, so nothing is left out silently.
        console.print()
        console.print(f"{WORDS['templates'](lang)} ({len(data['templates'])})")
        for path in data["templates"]:
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
