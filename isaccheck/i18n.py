"""Words of the user interface in Dutch and English (document texts come from the rule pack)."""

from __future__ import annotations

from .model import Outcome, SurveySummary, Text

WORDS: dict[str, Text] = {
    "profile": Text("Maturity profile", "Volwassenheidsprofiel"),
    "capability": Text("Capability", "Capability"),
    "level": Text("Level", "Niveau"),
    "ambition": Text("Ambition", "Ambitie"),
    "as_of": Text("as of", "peildatum"),
    "rules": Text("rules", "regels"),
    "findings": Text("Document findings", "Bevindingen in documenten"),
    "plan": Text("Development plan", "Ontwikkelplan"),
    "plan_intro": Text("Work on at most two capabilities at a time, lowest level first.",
                       "Pak niet meer dan twee capabilities tegelijk aan, laagste niveau eerst."),
    "to_level": Text("to level", "naar niveau"),
    "missing": Text("missing", "ontbreekt"),
    "not_applicable": Text("Not applicable by decision", "Niet van toepassing door besluit"),
    "disagreements": Text("Self-assessment versus evidence", "Zelfevaluatie versus bewijs"),
    "said_yes": Text("participants said yes, the documents do not show it",
                     "deelnemers zeiden ja, de documenten tonen het niet"),
    "said_no": Text("participants said no, the documents show it", "deelnemers zeiden nee, de documenten tonen het wel"),
    "none": Text("none", "geen"),
    "all_good": Text("Every capability is at or above its ambition.", "Elke capability zit op of boven de ambitie."),
    "below": Text("below ambition", "onder de ambitie"),
    "expires": Text("expires", "verloopt"),
    "expired": Text("expired", "verlopen"),
    "warnings": Text("Warnings", "Waarschuwingen"),
    "coming_due": Text("Coming due", "Binnenkort nodig"),
    "withheld": Text("{n} item(s) withheld: above the TLP ceiling of this output",
                     "{n} item(s) weggelaten: boven het TLP-plafond van deze uitvoer"),
    "documents": Text("documents", "documenten"),
    "survey": Text("Self-assessment {path} ({date}): {n} of {eligible} participants answered",
                   "Zelfevaluatie {path} ({date}): {n} van {eligible} deelnemers antwoordden"),
    "tally": Text("yes {yes} · partly {partly} · no {no} · no answer {none}",
                  "ja {yes} · deels {partly} · nee {no} · geen antwoord {none}"),
    "proposal": Text("ambition {code}: isac.yaml {stated}, participants propose {proposed} (median {median}; "
                     "level 0/1/2/3 wanted by {spread})",
                     "ambitie {code}: isac.yaml {stated}, deelnemers stellen {proposed} voor (mediaan {median}; "
                     "niveau 0/1/2/3 gewenst door {spread})"),
    "proposal_differs": Text("differs", "wijkt af"),
    "participants": Text("participants", "deelnemers"),
}

OUTCOME_WORDS: dict[Outcome, Text] = {
    Outcome.HOLDS: Text("holds (evidence)", "voldaan (bewijs)"),
    Outcome.ATTESTED: Text("holds (attested)", "voldaan (bevestigd)"),
    Outcome.FAILS: Text("does not hold", "niet voldaan"),
    Outcome.NOT_APPLICABLE: Text("not applicable", "niet van toepassing"),
    Outcome.UNKNOWN: Text("unknown", "onbekend"),
    Outcome.ERROR: Text("error", "fout"),
}

SEVERITY_WORDS: dict[str, Text] = {
    "error": Text("error", "fout"),
    "warning": Text("warning", "waarschuwing"),
    "info": Text("info", "info"),
}


def severity_word(severity: str, lang: str) -> str:
    """The severity of a finding in the output language, padded so messages line up."""
    width = max(len(t(lang)) for t in SEVERITY_WORDS.values())
    shown = SEVERITY_WORDS[severity](lang) if severity in SEVERITY_WORDS else severity
    return f"{shown:<{width}}"


MARKS: dict[Outcome, str] = {
    Outcome.HOLDS: "✓",
    Outcome.ATTESTED: "≈",
    Outcome.FAILS: "✗",
    Outcome.NOT_APPLICABLE: "–",
    Outcome.UNKNOWN: "?",
    Outcome.ERROR: "!",
}


def word(key: str, lang: str) -> str:
    return WORDS[key](lang)


def survey_lines(survey: SurveySummary, lang: str) -> list[str]:
    """The self-assessment in numbers: a heading, a line per attested question, a line per capability's ambition."""
    lines = [word("survey", lang).format(path=survey.path, date=survey.date, n=survey.respondents,
                                         eligible=survey.eligible)]
    for t in survey.tallies:
        lines.append(f"{t.question}: " + word("tally", lang).format(yes=t.yes, partly=t.partly, no=t.no, none=t.unanswered))
    for p in survey.proposals:
        median = f"{p.median:g}".replace(".", ",") if lang == "nl" else f"{p.median:g}"
        line = word("proposal", lang).format(code=p.capability, stated="-" if p.stated is None else p.stated,
                                             proposed=p.proposed, median=median, spread="/".join(map(str, p.spread)))
        lines.append(f"{line}  <- {word('proposal_differs', lang)}" if p.differs else line)
    return lines
