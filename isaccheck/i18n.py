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


# -- plurals: "1 bijeenkomst", "2 bijeenkomsten", never "bijeenkomst(en)" -------------------------

# noun -> (English singular, English plural, Dutch singular, Dutch plural)
NOUNS: dict[str, tuple[str, str, str, str]] = {
    "file": ("file", "files", "bestand", "bestanden"),
    "error": ("error", "errors", "fout", "fouten"),
    "warning": ("warning", "warnings", "waarschuwing", "waarschuwingen"),
    "item": ("item", "items", "onderdeel", "onderdelen"),
    "entry": ("entry", "entries", "vermelding", "vermeldingen"),
    "respondent": ("respondent", "respondents", "respondent", "respondenten"),
    "answer": ("answer", "answers", "antwoord", "antwoorden"),
    "remark": ("remark", "remarks", "opmerking", "opmerkingen"),
    "cell": ("cell", "cells", "cel", "cellen"),
    "column": ("column", "columns", "kolom", "kolommen"),
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


# -- document types in sentences ----------------------------------------------------------------
# The type keys (`minutes`, `annual-plan`) are what a document's frontmatter says; inside a Dutch
# sentence they read as English, so every type has a Dutch name with its gender: "het" words take
# no -e after "een/geen vastgesteld" ("geen vastgesteld jaarplan"), "de" words and plurals do
# ("geen vastgestelde evaluatie", "vastgestelde notulen"). "pl" marks a noun that is plural only.

# key -> (English singular, English plural, Dutch singular, Dutch plural, Dutch gender)
DOC_TYPES: dict[str, tuple[str, str, str, str, str]] = {
    "accountability-report": ("accountability report", "accountability reports",
                              "verantwoordingsrapportage", "verantwoordingsrapportages", "de"),
    "activity": ("activity", "activities", "activiteit", "activiteiten", "de"),
    "agenda": ("agenda", "agendas", "agenda", "agenda's", "de"),
    "annual-plan": ("annual plan", "annual plans", "jaarplan", "jaarplannen", "het"),
    "charter": ("charter", "charters", "charter", "charters", "het"),
    "communication-strategy": ("communication strategy", "communication strategies",
                               "communicatiestrategie", "communicatiestrategieën", "de"),
    "evaluation": ("evaluation", "evaluations", "evaluatie", "evaluaties", "de"),
    "good-practice": ("good practice", "good practices", "goede praktijk", "goede praktijken", "de"),
    "incident-taxonomy": ("incident taxonomy", "incident taxonomies", "incidenttaxonomie",
                          "incidenttaxonomieën", "de"),
    "information-classification": ("information classification", "information classifications",
                                   "informatieclassificatie", "informatieclassificaties", "de"),
    "initiative": ("initiative", "initiatives", "initiatief", "initiatieven", "het"),
    "membership-guidelines": ("membership guidelines", "membership guidelines", "lidmaatschapsrichtlijnen",
                              "lidmaatschapsrichtlijnen", "pl"),
    "minutes": ("minutes", "minutes", "notulen", "notulen", "pl"),
    "pr-activity": ("PR activity", "PR activities", "pr-activiteit", "pr-activiteiten", "de"),
    "procedure": ("procedure", "procedures", "procedure", "procedures", "de"),
    "product": ("product", "products", "product", "producten", "het"),
    "roadmap": ("roadmap", "roadmaps", "routekaart", "routekaarten", "de"),
    "self-assessment": ("self-assessment", "self-assessments", "zelfevaluatie", "zelfevaluaties", "de"),
    "shared-information": ("shared information", "shared information", "gedeelde informatie",
                           "gedeelde informatie", "de"),
    "situational-picture": ("situational picture", "situational pictures", "situatiebeeld",
                            "situatiebeelden", "het"),
    "value-case": ("value case", "value cases", "onderbouwing van de meerwaarde",
                   "onderbouwingen van de meerwaarde", "de"),
    "working-group": ("working group", "working groups", "werkgroep", "werkgroepen", "de"),
}


def type_name(key: str, lang: str, count: int = 1) -> str:
    """The document type's name in the language ("notulen", "annual plan"); an unknown key
    (an extra rule pack's own type) stays as written."""
    names = DOC_TYPES.get(key)
    if names is None:
        return key
    en_one, en_many, nl_one, nl_many, _ = names
    if lang == "nl":
        return nl_one if count == 1 else nl_many
    return en_one if count == 1 else en_many


def adopted_type(key: str, lang: str, count: int = 1) -> str:
    """"vastgesteld jaarplan", "vastgestelde evaluatie", "vastgestelde notulen"; "adopted annual plan"."""
    if lang != "nl":
        return f"adopted {type_name(key, lang, count)}"
    gender = DOC_TYPES[key][4] if key in DOC_TYPES else "de"
    ending = "vastgesteld" if gender == "het" and count == 1 else "vastgestelde"
    return f"{ending} {type_name(key, lang, count)}"


def types_phrase(keys: str | list[str] | tuple[str, ...], lang: str, count: int = 1, adopted: bool = False,
                 with_key: bool = True) -> str:
    """One or more document types in a sentence: "vastgestelde notulen of agenda (type `minutes` /
    `agenda`)". The key in brackets is what to write after `type:` in the document."""
    listed = [keys] if isinstance(keys, str) else list(keys)
    names = [type_name(k, lang, count) for k in listed]
    if adopted and listed:
        names[0] = adopted_type(listed[0], lang, count)
    phrase = (" of " if lang == "nl" else " or ").join(names)
    if not with_key:
        return phrase
    return f"{phrase} (type {' / '.join(f'`{k}`' for k in listed)})"


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
