"""Words of the user interface in Dutch and English (document texts come from the rule pack)."""

from __future__ import annotations

from .model import Outcome, Text

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
    "documents": Text("documents", "documenten"),
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


# -- plurals: "1 bijeenkomst", "2 bijeenkomsten", never "bijeenkomst(en)" -------------------------

# noun -> (English singular, English plural, Dutch singular, Dutch plural)
NOUNS: dict[str, tuple[str, str, str, str]] = {
    "file": ("file", "files", "bestand", "bestanden"),
    "error": ("error", "errors", "fout", "fouten"),
    "warning": ("warning", "warnings", "waarschuwing", "waarschuwingen"),
    "item": ("item", "items", "onderdeel", "onderdelen"),
    "meeting": ("meeting", "meetings", "bijeenkomst", "bijeenkomsten"),
    "signature": ("signature", "signatures", "handtekening", "handtekeningen"),
    "document": ("document", "documents", "document", "documenten"),
    "participant": ("participant", "participants", "deelnemer", "deelnemers"),
    "question": ("question", "questions", "vraag", "vragen"),
    "rule": ("rule", "rules", "regel", "regels"),
    "template": ("template", "templates", "sjabloon", "sjablonen"),
    "organisation": ("organisation", "organisations", "organisatie", "organisaties"),
    "day": ("day", "days", "dag", "dagen"),
    "year": ("year", "years", "jaar", "jaar"),
}


def noun(count: int, key: str, lang: str) -> str:
    """The noun's singular or plural form for count, in the language."""
    en_one, en_many, nl_one, nl_many = NOUNS[key]
    if lang == "nl":
        return nl_one if count == 1 else nl_many
    return en_one if count == 1 else en_many


def plural(count: int, key: str, lang: str) -> str:
    """"1 file", "3 files", "1 bestand", "3 bestanden"."""
    return f"{count} {noun(count, key, lang)}"


def adopted(lang: str, plural_noun: bool = False, definite: bool = False) -> str:
    """Dutch "vastgesteld" with its adjective ending: "een vastgesteld jaarplan", "vastgestelde notulen",
    "het vastgestelde jaarplan"; English "adopted"."""
    if lang != "nl":
        return "adopted"
    return "vastgestelde" if plural_noun or definite else "vastgesteld"


def withheld_line(count: int, lang: str) -> str:
    """What the TLP ceiling left out of this output."""
    if lang == "nl":
        return f"{plural(count, 'item', lang)} weggelaten: boven het TLP-plafond van deze uitvoer"
    return f"{plural(count, 'item', lang)} withheld: above the TLP ceiling of this output"
