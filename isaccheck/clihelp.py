"""The Dutch of isaccheck's own --help texts: each command's description and each option's help.

Keyed by the English text as cli.py writes it (a command's docstring as click shows it), so cli.py
keeps one text per option; clitext.help_text() looks a text up here when --help is written in a
Dutch run. tests/test_click_language.py fails when an option or command has no Dutch text here.
Imported only by a Dutch --help.
"""

from __future__ import annotations

DUTCH: dict[str, str] = {
    # the program and its commands
    "isaccheck: how mature is this ISAC, by the NCSC Next Generation ISAC model?":
        "isaccheck: hoe volwassen is deze ISAC, volgens het Next Generation ISAC-model van het NCSC?",
    "Evaluate the ISAC repository at PATH (default: the current folder).":
        "Beoordeel de ISAC-repository in PATH (standaard: de huidige map).",
    "Evaluate an ISAC repository: levels, gap and plan.":
        "Beoordeel een ISAC-repository: niveaus, gat tot de ambitie en plan.",
    "The question, its level, the evidence it looks for and the advice.":
        "De vraag, het niveau, het bewijs dat gezocht wordt en het advies.",
    "Explain one question: evidence and advice.": "Licht één vraag toe: bewijs en advies.",
    "The profile at the end of each year and now, from git history (see docs/git.md).":
        "Het profiel aan het eind van elk jaar en nu, uit de git-geschiedenis (zie docs/git.md).",
    "The profile at every year end, from git history.": "Het profiel aan elk jaareinde, uit de git-geschiedenis.",
    "Start a new ISAC document repository at PATH: isac.yaml, templates and a CI workflow.":
        "Begin een nieuwe documentenrepository van een ISAC in PATH: isac.yaml, sjablonen en een CI-workflow.",
    "Start a new ISAC repository with templates.": "Begin een nieuwe ISAC-repository met sjablonen.",
    "The yearly evidence report of the ISAC at PATH, as HTML, Markdown or PDF (see docs/report.md).":
        "De jaarlijkse verantwoording met bewijs van de ISAC in PATH, als HTML, Markdown of PDF (zie docs/report.md).",
    "The yearly evidence report (HTML, Markdown, PDF).":
        "De jaarlijkse verantwoording met bewijs (HTML, Markdown, PDF).",
    "The rule pack: list its questions (`isaccheck explain ID` explains one).":
        "De regelset: een lijst van de vragen (`isaccheck explain ID` licht er één toe).",
    "List the checklist questions of the rule pack.": "Een lijst van de vragen van de checklist in de regelset.",
    "Every checklist question with its id, level and basis.":
        "Elke vraag van de checklist met id, niveau en grondslag.",
    "The self-assessment: a questionnaire for every participant, and its answers imported (docs/survey.md).":
        "De zelfevaluatie: een vragenlijst voor elke deelnemer, en het inlezen van de antwoorden (docs/survey.md).",
    "The self-assessment questionnaire and its answers.": "De vragenlijst van de zelfevaluatie en de antwoorden.",
    "Read answers (survey sheets, form exports: csv, xlsx, md) into one self-assessment document.":
        "Lees antwoorden (ingevulde vragenlijsten, exports van formulieren: csv, xlsx, md) in tot één "
        "document met de zelfevaluatie.",
    "The checklist as a questionnaire: every question, the answer choices, a note, the ambition per capability.":
        "De checklist als vragenlijst: elke vraag, de antwoordmogelijkheden, een toelichting, de ambitie per "
        "capability.",
    "The TLP inventory: documents per label, type and year; missing labels, disagreements, violations.":
        "Het TLP-overzicht: documenten per label, type en jaar; ontbrekende labels, tegenstrijdigheden, "
        "overtredingen.",
    "The TLP inventory: labels, missing labels, violations.":
        "Het TLP-overzicht: labels, ontbrekende labels, overtredingen.",
    "Schema and TLP checks of FILES only (default: every document), without evaluating the rules.":
        "Alleen de schema- en TLP-controles van FILES (standaard: elk document), zonder de regels te beoordelen.",
    "Check documents (schema, TLP) without evaluating.": "Controleer documenten (schema, TLP) zonder te beoordelen.",
    "Files at PATH that are not documents yet, and what isaccheck would infer from them (docs/adopt.md).":
        "Bestanden in PATH die nog geen document zijn, en wat isaccheck eruit zou afleiden (docs/adopt.md).",
    "Files that are not documents yet, and what isaccheck infers.":
        "Bestanden die nog geen document zijn, en wat isaccheck afleidt.",
    # options every command has
    "Show more, including the traceback of an internal error.":
        "Toon meer, ook de traceback van een interne fout.",
    "Only the result and errors: no notes, progress or file lists.":
        "Alleen het resultaat en fouten: geen meldingen, voortgang of lijsten van bestanden.",
    "Colours in terminal output; auto honours NO_COLOR, FORCE_COLOR and TERM=dumb.":
        "Kleuren in de terminal; auto volgt NO_COLOR, FORCE_COLOR en TERM=dumb.",
    "Do not infer fields from document text: only frontmatter, sidecars and globs.":
        "Leid geen velden af uit de tekst van documenten: alleen frontmatter, sidecars en globs.",
    "Do not use or write the cache of earlier runs (as ISACCHECK_NO_CACHE=1).":
        "Gebruik en schrijf de cache van eerdere runs niet (zoals ISACCHECK_NO_CACHE=1).",
    "Processes for the past year ends (as ISACCHECK_JOBS=N; default: 2 when this process may use 2 or more CPUs; "
    "1: one process).":
        "Processen voor de afgelopen jaareinden (zoals ISACCHECK_JOBS=N; standaard: 2 als dit proces 2 of meer "
        "CPU's mag gebruiken; 1: één proces).",
    "Output language (default: isac.yaml's language).": "Taal van de uitvoer (standaard: de taal in isac.yaml).",
    "Write to FILE instead of stdout.": "Schrijf naar FILE in plaats van naar stdout.",
    "Evaluation date (default: today).": "Peildatum (standaard: vandaag).",
    # check, report and the git options
    "Ignore not-applicable decisions: the profile without them.":
        "Negeer besluiten over niet van toepassing: het profiel zonder die besluiten.",
    "Run Python checks found in the repository's extra rule packs.":
        "Voer Python-controles uit uit de extra regelsets van de repository.",
    "TLP ceiling: leave out what quotes documents above it (e.g. GREEN).":
        "TLP-plafond: laat weg wat documenten boven dit label citeert (bijvoorbeeld GREEN).",
    "Show every piece of evidence and everything missing.": "Toon elk bewijsstuk en alles wat ontbreekt.",
    "Evaluate HEAD's commit, not the working tree (for CI gates).":
        "Beoordeel de commit van HEAD, niet de werkmap (voor CI-gates).",
    "Ignore git: read the folder as plain files.": "Negeer git: lees de map als gewone bestanden.",
    "Use git even for a subfolder of a repository.": "Gebruik git ook voor een submap van een repository.",
    "Skip the history pass (first commits, back-fill findings).":
        "Sla de geschiedenis over (eerste commits, bevindingen over achteraf toegevoegde documenten).",
    "Fail (exit 1) unless: ambition | STR=2,WOW=1 | baseline:FILE (combine with commas); none: no level gate, "
    "not even isaccheck.yaml's. See docs/ci.md.":
        "Faal (exitcode 1) tenzij: ambition | STR=2,WOW=1 | baseline:FILE (combineer met komma's); none: geen "
        "gate op niveaus, ook niet die uit isaccheck.yaml. Zie docs/ci.md.",
    "Which document findings fail the run (default: error, or gate.fail_on in isaccheck.yaml).":
        "Welke bevindingen in documenten de run laten falen (standaard: error, of gate.fail_on in isaccheck.yaml).",
    "Mark what this change did to the gate's policy, against the settings at git REF (the base branch).":
        "Markeer wat deze wijziging aan het beleid van de gate veranderde, tegen de instellingen in git-REF "
        "(de basisbranch).",
    "The year to report on (default: the current year).": "Het jaar van het verslag (standaard: het huidige jaar).",
    "html, md or pdf (default: from -o's extension, else html).":
        "html, md of pdf (standaard: volgens de extensie van -o, anders html).",
    "Report language (default: isac.yaml's language).": "Taal van het verslag (standaard: de taal in isac.yaml).",
    "Write to FILE; - for stdout (default: verslag-YYYY.html or report-YYYY.html).":
        "Schrijf naar FILE; - voor stdout (standaard: verslag-JJJJ.html of report-JJJJ.html).",
    "TLP ceiling: show only titles and texts of documents up to this label (e.g. GREEN).":
        "TLP-plafond: toon alleen titels en teksten van documenten tot en met dit label (bijvoorbeeld GREEN).",
    "Evaluation date (default: 31 December of the year, or today for the current year).":
        "Peildatum (standaard: 31 december van het jaar, of vandaag voor het huidige jaar).",
    # history
    "First year-end to show (default: the first commit's year).":
        "Eerste jaareinde om te tonen (standaard: het jaar van de eerste commit).",
    # init
    "Language of the templates and of isaccheck's reports.": "Taal van de sjablonen en van de verslagen van isaccheck.",
    "The ISAC's name (default: the folder's name).": "De naam van de ISAC (standaard: de naam van de map).",
    "Write only the files that are missing; keep every file there.":
        "Schrijf alleen de bestanden die ontbreken; laat elk bestaand bestand staan.",
    "Where the CI workflow gets isaccheck: OWNER/REPO@REF of the GitHub Action, or an https:// repository URL. "
    "Without it (and no answer when asked) no workflow is written.":
        "Waar de CI-workflow isaccheck vandaan haalt: OWNER/REPO@REF van de GitHub Action, of een https://-adres "
        "van een repository. Zonder (en zonder antwoord op de vraag) wordt geen workflow geschreven.",
    # survey
    "The ISAC repository whose isac.yaml names the participants.":
        "De ISAC-repository waarvan isac.yaml de deelnemers noemt.",
    "The assessment's date (default: today).": "De datum van de zelfevaluatie (standaard: vandaag).",
    "The document's TLP label (default: AMBER).": "Het TLP-label van het document (standaard: AMBER).",
    "Language of the messages and the title (default: isac.yaml's).":
        "Taal van de meldingen en de titel (standaard: die van isac.yaml).",
    "The document to write, or a folder for it (default: ROOT/assessments/).":
        "Het document om te schrijven, of een map ervoor (standaard: ROOT/assessments/).",
    "Write to FILE (default: vragenlijst-zelfevaluatie.<format> or self-assessment-questionnaire.<format>; "
    "'-' for stdout, csv and md only).":
        "Schrijf naar FILE (standaard: vragenlijst-zelfevaluatie.<format> of self-assessment-questionnaire.<format>; "
        "'-' voor stdout, alleen csv en md).",
    # validate and adopt
    "The repository root (default: the nearest folder above the files with isac.yaml).":
        "De map van de repository (standaard: de dichtstbijzijnde map boven de bestanden met isac.yaml).",
    "Which findings make the exit code 1.": "Welke bevindingen exitcode 1 geven.",
    "Skip (and name) files in no ISAC repository instead of failing: for hooks (docs/ci.md).":
        "Sla bestanden buiten een ISAC-repository over (en noem ze) in plaats van te falen: voor hooks (docs/ci.md).",
    "Write a .meta.yaml sidecar for review next to each file with a guessed type (never overwrites).":
        "Schrijf naast elk bestand met een geraden type een .meta.yaml-sidecar om na te kijken (overschrijft nooit).",
}
