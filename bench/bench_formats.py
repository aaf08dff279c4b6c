"""Reading an archive of Word and PDF files, cold and warm (cached), against frontmatter Markdown.

    python bench/bench_formats.py [--n 200] [--repeat 7]

Generates N one-to-two-page minutes as PDF (fpdf2) and as DOCX (python-docx), and N Markdown
files with YAML frontmatter, in a temporary folder. Then times, per file kind:

- md:   what the check does with a frontmatter document today: read the bytes and parse the
        frontmatter and body (python-frontmatter, the parser isaccheck uses);
- cold: isaccheck.read.read_document with an empty cache (extraction + writing the cache entry);
- warm: the same again with the cache filled (hashing the bytes + loading the entry), timed in
        turns with md, best of --repeat rounds.

The goal of issue 10 is warm <= 1.5 x md. Results: docs/performance.md ("Reading Word and PDF").
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

NAMES = ["Marieke van Dijk (Westland Kassen Coöperatie)", "Pieter Hoekstra (Kwekerij De Groene Polder B.V.)",
         "Fatima El Idrissi (Agrologistiek Venlo N.V.)", "Joost Bakker (Zuivelcoöperatie Noord)",
         "Sanne de Wit (Tuinbouwdata B.V.)", "Ruud Verhoeven (Veiling Oostland)"]
TEXT = ("De deelnemers bespreken het dreigingsbeeld van de sector en delen ervaringen met phishing "
        "en met beheer op afstand door leveranciers. ")


def _lines(n: int) -> list[tuple[str, str]]:
    day = 1 + n % 28
    out = [("h1", f"Notulen overleg {n}"), ("p", f"Datum: {day} maart 2025"), ("h2", "Aanwezig")]
    out += [("li", name) for name in NAMES]
    out += [("h2", "Agenda")] + [("li", item) for item in ("Opening", "Dreigingsbeeld", "Rondvraag")]
    for k in range(4):
        out += [("h2", f"{k + 1}. Onderwerp {k + 1}"), ("p", TEXT * 5)]
    return out


def make_pdf(n: int) -> bytes:
    from fpdf import FPDF

    class Pdf(FPDF):
        def header(self) -> None:
            self.set_y(10)
            self.set_font("Helvetica", size=9)
            self.cell(0, 5, "TLP:AMBER", align="C")
            self.set_y(self.t_margin)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.cell(0, 4, f"Notulen {n} - pagina {self.page_no()}", align="C")

    pdf = Pdf(format="A4")
    pdf.set_margins(25, 28, 25)
    pdf.add_page()
    for kind, text in _lines(n):
        pdf.set_font("Helvetica", "B" if kind.startswith("h") else "", {"h1": 16, "h2": 13}.get(kind, 10.5))
        pdf.multi_cell(0, 6, ("- " if kind == "li" else "") + text, new_x="LMARGIN", new_y="NEXT")
    with pdf.table() as table:
        for row in [("Actie", "Eigenaar"), ("Checklist", "Sanne de Wit"), ("Oefening", "Joost Bakker")]:
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    return bytes(pdf.output())


def make_docx(n: int) -> bytes:
    import docx

    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = "TLP:AMBER"
    for kind, text in _lines(n):
        if kind.startswith("h"):
            doc.add_heading(text, level=int(kind[1]))
        elif kind == "li":
            doc.add_paragraph(text, style="List Bullet")
        else:
            doc.add_paragraph(text)
    table = doc.add_table(rows=3, cols=2)
    for r, row in enumerate([("Actie", "Eigenaar"), ("Checklist", "Sanne de Wit"), ("Oefening", "Joost Bakker")]):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def make_md(n: int) -> bytes:
    front = (f"---\ntype: minutes\ndate: 2025-03-{1 + n % 28:02d}\ntlp: AMBER\n"
             f"attendees: [{', '.join(name.split(' (')[1].rstrip(')') for name in NAMES)}]\n"
             "items: [Opening, Dreigingsbeeld, Rondvraag]\n---\n")
    body = "".join(f"## {k + 1}. Onderwerp {k + 1}\n\n{TEXT * 5}\n\n" for k in range(4))
    return (front + f"# Notulen overleg {n}\n\n" + body).encode()


def time_md(paths: list[Path]) -> float:
    import frontmatter

    start = time.perf_counter()
    for path in paths:
        frontmatter.loads(path.read_bytes().decode("utf-8"))
    return time.perf_counter() - start


def time_read(paths: list[Path], root: Path) -> float:
    from isaccheck.read import StructuredDocument, read_document

    start = time.perf_counter()
    for path in paths:
        result = read_document(path.relative_to(root).as_posix(), path.read_bytes())
        assert isinstance(result, StructuredDocument), result
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files: dict[str, list[Path]] = {"md": [], "pdf": [], "docx": []}
        for kind, make in (("md", make_md), ("pdf", make_pdf), ("docx", make_docx)):
            folder = root / kind
            folder.mkdir()
            for n in range(args.n):
                path = folder / f"2025-03-{n:04d} notulen.{kind}"
                path.write_bytes(make(n))
                files[kind].append(path)
        print(f"N = {args.n}; times are for all N files")
        colds: dict[str, float] = {}
        for kind in ("pdf", "docx"):
            os.environ["ISACCHECK_CACHE_DIR"] = str(root / f"cache-{kind}")
            colds[kind] = time_read(files[kind], root)
        # Warm reads and the Markdown baseline are timed in turns, round after round, so that other
        # work on the machine weighs on all of them alike; the best round is the cost itself.
        rounds: dict[str, list[float]] = {"md": [], "pdf": [], "docx": []}
        for _ in range(args.repeat):
            rounds["md"].append(time_md(files["md"]))
            for kind in ("pdf", "docx"):
                os.environ["ISACCHECK_CACHE_DIR"] = str(root / f"cache-{kind}")
                rounds[kind].append(time_read(files[kind], root))
        md = min(rounds["md"])
        print(f"{'kind':22} {'cold s':>9} {'warm best s':>12} {'warm median s':>14} {'ms/file':>8} {'best/md':>8}")
        print(f"{'md (frontmatter)':22} {'':>9} {md:12.3f} {statistics.median(rounds['md']):14.3f} "
              f"{md / args.n * 1000:8.2f} {1:8.2f}")
        for kind in ("pdf", "docx"):
            best = min(rounds[kind])
            print(f"{kind:22} {colds[kind]:9.2f} {best:12.3f} {statistics.median(rounds[kind]):14.3f} "
                  f"{best / args.n * 1000:8.2f} {best / md:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
