"""What the CI formats (SARIF, JUnit, GitHub, GitLab) share: locations, fingerprints, rule texts.

Locations are relative to the repository root and "/" separated; `RenderOptions.path_prefix` puts
them relative to where isaccheck was run (the CI checkout), so a repository in a subfolder still
annotates the right file. A question that fails for a missing document points at isac.yaml.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable

from ..model import Evaluation, Finding, Outcome, QuestionResult, Text
from ..rulepack import RulePack
from . import RenderOptions

FINGERPRINT_KEY = "isaccheck/v1"
PROFILE = "isac.yaml"

# Every document check isaccheck knows, for the rule lists of SARIF and the check names elsewhere.
FINDING_RULES: dict[str, tuple[Text, Text]] = {
    "schema": (Text("A field does not match the document type's schema", "Een veld past niet bij het schema van het documenttype"),
               Text("Correct the field as the message says; docs/contract.md lists the fields of each type.",
                    "Verbeter het veld zoals de melding zegt; docs/contract.md noemt de velden per type.")),
    "yaml-syntax": (Text("The YAML cannot be read", "De YAML is niet leesbaar"),
                    Text("Fix the YAML syntax at the line given (indentation, quotes, colons).",
                         "Herstel de YAML-syntaxis op de genoemde regel (inspringing, aanhalingstekens, dubbele punten).")),
    "frontmatter": (Text("The frontmatter is not closed or not a mapping", "De frontmatter is niet afgesloten of geen verzameling velden"),
                    Text("Start the file with ---, write field: value lines, close with ---.",
                         "Begin het bestand met ---, schrijf regels veld: waarde en sluit af met ---.")),
    "unknown-type": (Text("Unknown document type", "Onbekend documenttype"),
                     Text("Use one of the document types of docs/contract.md.",
                          "Gebruik een van de documenttypes uit docs/contract.md.")),
    "encoding": (Text("The file is not UTF-8 text", "Het bestand is geen UTF-8-tekst"),
                 Text("Save the file as UTF-8.", "Sla het bestand op als UTF-8.")),
    "binary": (Text("Binary content in a text document", "Binaire inhoud in een tekstdocument"),
               Text("Describe binary files with a .meta.yaml sidecar instead.",
                    "Beschrijf binaire bestanden met een .meta.yaml-sidecar.")),
    "too-large": (Text("The file is too large to read", "Het bestand is te groot om te lezen"),
                  Text("Raise max_file_size_kb in isaccheck.yaml or leave the file out with ignore.",
                       "Verhoog max_file_size_kb in isaccheck.yaml of sluit het bestand uit met ignore.")),
    "unreadable": (Text("The file cannot be read", "Het bestand kan niet gelezen worden"),
                   Text("Check the file's permissions.", "Controleer de rechten op het bestand.")),
    "symlink-outside": (Text("Symbolic link pointing outside the repository", "Symbolische link naar buiten de repository"),
                        Text("Copy the file into the repository instead of linking to it.",
                             "Kopieer het bestand in de repository in plaats van ernaar te linken.")),
    "not-a-file": (Text("Not a regular file", "Geen gewoon bestand"),
                   Text("A FIFO, socket, device or linked folder carries a document's name; remove or rename it.",
                        "Een FIFO, socket, apparaat of gelinkte map draagt de naam van een document; verwijder of "
                        "hernoem het.")),
    "symlink-broken": (Text("Symbolic link to nothing", "Symbolische link naar niets"),
                       Text("Remove the link or restore its target.", "Verwijder de link of herstel het doel.")),
    "sidecar-orphan": (Text("A sidecar describes a file that is not there", "Een sidecar beschrijft een bestand dat er niet is"),
                       Text("Add the described file or remove the sidecar.",
                            "Voeg het beschreven bestand toe of verwijder de sidecar.")),
    "tlp-missing": (Text("The document has no TLP label", "Het document heeft geen TLP-label"),
                    Text("Add tlp: with CLEAR, GREEN, AMBER, AMBER+STRICT or RED to the frontmatter.",
                         "Zet tlp: met CLEAR, GREEN, AMBER, AMBER+STRICT of RED in de frontmatter.")),
    "tlp-invalid": (Text("The TLP label is not a TLP label", "Het TLP-label is geen TLP-label"),
                    Text("Use a TLP 2.0 label: CLEAR, GREEN, AMBER, AMBER+STRICT or RED.",
                         "Gebruik een TLP 2.0-label: CLEAR, GREEN, AMBER, AMBER+STRICT of RED.")),
    "tlp-disagree": (Text("The TLP labels in the document disagree", "De TLP-labels in het document spreken elkaar tegen"),
                     Text("Make the body's TLP marking agree with the frontmatter's tlp.",
                          "Laat de TLP-markering in de tekst overeenkomen met tlp in de frontmatter.")),
    "tlp-understated": (Text("The TLP label is less restrictive than the content", "Het TLP-label is minder streng dan de inhoud"),
                        Text("Label the document with its most restrictive content's label.",
                             "Geef het document het label van de meest beperkende inhoud.")),
    "tlp-deprecated": (Text("A TLP 1.0 label", "Een TLP 1.0-label"),
                       Text("Use the TLP 2.0 label (WHITE became CLEAR).", "Gebruik het TLP 2.0-label (WHITE werd CLEAR).")),
    "tlp-sharing": (Text("Shared beyond what the TLP label allows", "Gedeeld buiten wat het TLP-label toestaat"),
                    Text("Narrow shared_with or choose a less restrictive label if the owner agrees.",
                         "Beperk shared_with of kies, met instemming van de eigenaar, een ruimer label.")),
    "tlp-published": (Text("A published path holds a document that is not TLP:CLEAR", "Een gepubliceerd pad bevat een document dat niet TLP:CLEAR is"),
                      Text("Only TLP:CLEAR documents may be published; move the document or relabel it.",
                           "Alleen TLP:CLEAR-documenten mogen gepubliceerd worden; verplaats of herlabel het document.")),
    "waiver-unknown": (Text("A not-applicable decision names an unknown question", "Een niet-van-toepassing-besluit noemt een onbekende vraag"),
                       Text("Use a question id of `isaccheck rules list`.", "Gebruik een vraag-id uit `isaccheck rules list`.")),
    "waiver-incomplete": (Text("A not-applicable decision is incomplete", "Een niet-van-toepassing-besluit is onvolledig"),
                          Text("Give reason, decided_on and decided_in.", "Vul reason, decided_on en decided_in in.")),
    "waiver-expired": (Text("A not-applicable decision expired", "Een niet-van-toepassing-besluit is verlopen"),
                       Text("Decide again and update expires, or work on the question.",
                            "Besluit opnieuw en pas expires aan, of werk aan de vraag.")),
    "waiver-source": (Text("A not-applicable decision points at a missing document", "Een niet-van-toepassing-besluit verwijst naar een ontbrekend document"),
                      Text("Point decided_in at the minutes that record the decision.",
                           "Laat decided_in verwijzen naar de notulen met het besluit.")),
    "file-name": (Text("The file name cannot be read", "De bestandsnaam is onleesbaar"),
                  Text("Rename the file: UTF-8 text without control characters.",
                       "Hernoem het bestand: UTF-8-tekst zonder stuurtekens.")),
    "backfilled": (Text("The document was committed long after its date", "Het document is lang na zijn datum gecommit"),
                   Text("If it was added afterwards, say so in the document; if it was moved, nothing to do. "
                        "The tolerance is history.backfill_tolerance_days in isaccheck.yaml (docs/git.md).",
                        "Is het achteraf toegevoegd, zeg dat dan in het document; is het verplaatst, dan hoeft er niets. "
                        "De marge is history.backfill_tolerance_days in isaccheck.yaml (docs/git.md).")),
    "signature-bad": (Text("A signature does not verify", "Een handtekening klopt niet"),
                      Text("Point the signature at the signed commit or tag, or sign it again (docs/git.md).",
                           "Laat de handtekening verwijzen naar de ondertekende commit of tag, of onderteken opnieuw (docs/git.md).")),
    "signature-missing": (Text("A signature points at a commit or tag that is not there", "Een handtekening verwijst naar een commit of tag die er niet is"),
                          Text("Fix the commit id or tag name; in CI, clone with full history (fetch-depth: 0).",
                               "Verbeter de commit-id of tagnaam; kloon in CI met de volledige geschiedenis (fetch-depth: 0).")),
    "waiver-unrecorded": (Text("A not-applicable decision is not recorded where it says",
                               "Een niet-van-toepassing-besluit staat niet waar het zegt"),
                          Text("Point decided_in at the minutes that name the question id, or record the decision there.",
                               "Laat decided_in verwijzen naar de notulen die het vraagnummer noemen, of leg het besluit daar vast.")),
    "read-unsupported": (Text("A file type isaccheck does not read", "Een bestandstype dat isaccheck niet leest"),
        Text("Convert it to Word, PDF, HTML, OpenDocument or Markdown, or describe it with a .meta.yaml sidecar (docs/adopt.md).",
             "Zet het om naar Word, PDF, HTML, OpenDocument of Markdown, of beschrijf het met een .meta.yaml-sidecar (docs/adopt.md).")),
    "read-too-large": (Text("The file is too large to read its text", "Het bestand is te groot om de tekst te lezen"),
        Text("Split the file, or describe it with a .meta.yaml sidecar; the limits are in docs/adopt.md.",
             "Splits het bestand, of beschrijf het met een .meta.yaml-sidecar; de grenzen staan in docs/adopt.md.")),
    "read-timeout": (Text("Reading the file took too long", "Het lezen van het bestand duurde te lang"),
        Text("Save the file again in a simpler form, or describe it with a .meta.yaml sidecar.",
             "Sla het bestand opnieuw op in een eenvoudiger vorm, of beschrijf het met een .meta.yaml-sidecar.")),
    "read-corrupt": (Text("The file is damaged or not what its name says", "Het bestand is beschadigd of niet wat de naam zegt"),
        Text("Open and save the file again in its program, or replace it.",
             "Open en bewaar het bestand opnieuw in het eigen programma, of vervang het.")),
    "read-unreadable": (Text("The file's text cannot be read", "De tekst van het bestand kan niet gelezen worden"),
        Text("Check the file opens in its program; otherwise describe it with a .meta.yaml sidecar.",
             "Controleer of het bestand opent in het eigen programma; beschrijf het anders met een .meta.yaml-sidecar.")),
    "read-encrypted": (Text("The file is protected with a password", "Het bestand is beveiligd met een wachtwoord"),
        Text("Keep an unprotected copy in the repository, or describe the file with a .meta.yaml sidecar.",
             "Bewaar een onbeveiligde kopie in de repository, of beschrijf het bestand met een .meta.yaml-sidecar.")),
    "read-unsafe": (Text("The file's archive holds a part with an unsafe name", "Het archief van het bestand bevat een onderdeel met een onveilige naam"),
        Text("Save the file again in its program; do not accept files from unknown sources.",
             "Sla het bestand opnieuw op in het eigen programma; neem geen bestanden van onbekende bronnen aan.")),
    "read-zip-bomb": (Text("The file unpacks to far more than its size", "Het bestand pakt uit tot veel meer dan zijn grootte"),
        Text("Remove the file: it looks built to exhaust memory; keep a normal copy instead.",
             "Verwijder het bestand: het lijkt gemaakt om het geheugen uit te putten; bewaar een gewone kopie.")),
    "infer-tlp-invalid": (Text("A TLP marking in the text is not a TLP label", "Een TLP-markering in de tekst is geen TLP-label"),
        Text("Write a TLP 2.0 label (TLP:CLEAR, GREEN, AMBER, AMBER+STRICT or RED) in the document.",
             "Schrijf een TLP 2.0-label (TLP:CLEAR, GREEN, AMBER, AMBER+STRICT of RED) in het document.")),
    "infer-date-disagree": (Text("The dates in the file name and the text disagree", "De datums in de bestandsnaam en de tekst verschillen"),
        Text("Correct the file name or the date in the text, or set date: in a .meta.yaml sidecar.",
             "Verbeter de bestandsnaam of de datum in de tekst, of zet date: in een .meta.yaml-sidecar.")),
    "infer-cancelled-meeting": (Text("The meeting was cancelled", "De bijeenkomst is afgelast"),
        Text("Nothing to do if it was; it is not counted as a meeting held.",
             "Niets te doen als dat zo is; ze telt niet als gehouden bijeenkomst.")),
    "infer-unmatched-attendee": (Text("An attendee is not one of the participants", "Een aanwezige is geen van de deelnemers"),
        Text("Add the organisation to participants in isac.yaml, or correct the name in the document.",
             "Voeg de organisatie toe aan participants in isac.yaml, of verbeter de naam in het document.")),
    "infer-no-date": (Text("No date found for a document read from its text", "Geen datum gevonden voor een document gelezen uit de tekst"),
        Text("Add a date line or a dated file name, or a .meta.yaml sidecar with date: (docs/adopt.md).",
             "Voeg een datumregel of een gedateerde bestandsnaam toe, of een .meta.yaml-sidecar met date: (docs/adopt.md).")),
    "not-a-document": (Text("A file that is not counted as a document", "Een bestand dat niet als document telt"),
        Text("If it is one, add a .meta.yaml sidecar or a types: glob in isaccheck.yaml; `isaccheck adopt` shows what would be inferred.",
             "Is het er een, voeg dan een .meta.yaml-sidecar of een types:-glob in isaccheck.yaml toe; `isaccheck adopt` toont wat zou worden afgeleid.")),
    "glob-unused": (Text("A types: glob in isaccheck.yaml matches no file", "Een types:-glob in isaccheck.yaml past op geen bestand"),
        Text("Correct the glob or remove the entry.", "Verbeter de glob of verwijder de regel.")),
    "same-meeting": (Text("The same meeting is recorded in two files", "Dezelfde bijeenkomst staat in twee bestanden"),
        Text("Nothing to do if both are right (it is counted once); otherwise remove the duplicate.",
             "Niets te doen als beide kloppen (ze telt één keer); verwijder anders het dubbele bestand.")),
    "unknown-key": (Text("A field that is not part of the contract", "Een veld dat niet bij het contract hoort"),
        Text("If it is a typo, use the field the message suggests; otherwise isaccheck does not read it (docs/contract.md).",
             "Is het een tikfout, gebruik dan het veld dat de melding voorstelt; anders leest isaccheck het niet (docs/contract.md).")),
}

GENERIC_FINDING = (Text("A document check failed", "Een documentcontrole faalde"),
                   Text("See the message for what to change.", "Zie de melding voor wat er moet veranderen."))


def finding_rule(code: str) -> tuple[Text, Text]:
    return FINDING_RULES.get(code, GENERIC_FINDING)


def at(path: str, options: RenderOptions) -> str:
    """A repository path as the CI sees it (relative to the checkout)."""
    prefix = options.path_prefix.strip("/")
    return f"{prefix}/{path}" if prefix else path


def question_location(q: QuestionResult) -> tuple[str, int]:
    if q.location is None:
        return PROFILE, 1
    return q.location[0] or PROFILE, max(1, q.location[1] or 1)


def finding_location(f: Finding) -> tuple[str, int]:
    return f.path or PROFILE, max(1, f.line or 1)


def fingerprint(rule_id: str, path: str, discriminator: str) -> str:
    """Stable across runs: not the message, not the line."""
    return hashlib.sha256(f"{rule_id}\0{path}\0{discriminator}".encode()).hexdigest()[:32]


def failing(evaluation: Evaluation) -> list[QuestionResult]:
    return [q for q in evaluation.questions if q.outcome in (Outcome.FAILS, Outcome.ERROR)]


def required_levels(evaluation: Evaluation, options: RenderOptions) -> dict[str, int]:
    """The gate's levels when a gate is given, else the ambition."""
    gate = options.gate
    if gate is not None and gate.required:
        return dict(gate.required)
    return {c.code: c.ambition for c in evaluation.capabilities if c.ambition is not None}


def blocks(q: QuestionResult, evaluation: Evaluation, options: RenderOptions) -> bool:
    """The question keeps its capability below the required level (ambition or gate)."""
    need = required_levels(evaluation, options).get(q.capability)
    cap = next((c for c in evaluation.capabilities if c.code == q.capability), None)
    return need is not None and cap is not None and cap.level < need and q.level <= need


@dataclass(frozen=True)
class FindingEntry:
    finding: Finding
    discriminator: str


def finding_entries(findings: Iterable[Finding]) -> list[FindingEntry]:
    """Findings with a stable discriminator: the field, plus a counter for repeats in one file."""
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for f in sorted(findings, key=Finding.sort_key):
        base = f.field or ""
        key = (f.code, f.path, base)
        seen[key] = seen.get(key, 0) + 1
        out.append(FindingEntry(f, base if seen[key] == 1 else f"{base}#{seen[key]}"))
    return out


def question_message(q: QuestionResult, pack: RulePack, lang: str) -> str:
    rule = pack.rule(q.id)
    question = rule.question(lang) if rule else q.id
    return f"{q.id}: {question} {q.reason(lang)}"


def policy_dicts(options: RenderOptions) -> list[dict[str, object]]:
    """The policy in force (policy.py), as data for the machine formats."""
    items = options.gate.policy_items if options.gate else ()
    return [{"kind": i.kind, "subject": i.subject, "value": i.value, "path": i.path, "line": i.line,
             **({"change": i.change} if i.change else {})} for i in items]
