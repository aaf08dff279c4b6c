"""Data checks for the NCSC rule pack (rules/): shape, counts, catalogue, verbatim questions.

Uses only pyyaml, so it runs before (and independently of) the engine.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

RULES = Path(__file__).resolve().parent.parent / "rules"

CAPABILITIES = ("STR", "WOW", "INF", "SIT", "ACT")
COUNTS = {
    "STR": (7, 4, 8),
    "WOW": (6, 5, 3),
    "INF": (1, 2, 5),
    "SIT": (2, 5, 4),
    "ACT": (1, 1, 2),
}

# The check primitives and the parameters each accepts, from the engine's own registry.
from isaccheck.primitives import PRIMITIVES as _REGISTRY  # noqa: E402

PRIMITIVES: dict[str, set[str]] = {name: set(p.parameters) for name, p in _REGISTRY.items()}
MEETING_REQUIREMENTS = {
    "agenda", "agenda_issued_before", "minutes", "tlp", "roundtable",
    "actions_with_owner", "prepared_by_roles",
}
ATTESTATION = {"never", "allowed", "only"}
PARAM_TYPES = {"integer": int, "number": (int, float), "boolean": bool, "string": str}

# The checklist of the NCSC/TNO "Handreiking Next Generation ISAC", transcribed
# verbatim (joined to one line, single spaces, the seed's own spelling), in order.
CHECKLIST: list[tuple[str, str]] = [
    ("STR-1.1", "Is er een gemeenschappelijk geformuleerd doel van informatie-uitwisseling?"),
    ("STR-1.2", "Zijn gemeenschappelijke kenmerken van de ISAC-deelnemers kenbaar gemaakt (denk bijvoorbeeld aan bedrijfsprocessen, systemen, ketenafhankelijkheden, gezamenlijke uitdagingen, incidenten, etc.)?"),
    ("STR-1.3", "Stellen deelnemers tijd beschikbaar om deel te nemen aan de ISAC?"),
    ("STR-1.4", "Hebben deelnemers steun van de eigen organisatie om deel te nemen aan de ISAC?"),
    ("STR-1.5", "Zijn de functieprofielen en rollen van ISAC-deelnemers bekend?"),
    ("STR-1.6", "Zijn voor de beoogde informatiedeling in de ISAC-bijeenkomst de juiste functieprofielen afgevaardigd?"),
    ("STR-1.7", "Zijn er afspraken gemaakt die ervoor zorgen dat informatie met elkaar wordt gedeeld?"),
    ("STR-2.1", "Worden jaarlijks de werkwijze en resultaten van de ISAC besproken?"),
    ("STR-2.2", "Zijn ambities, toegevoegde waarde en activiteiten vastgelegd in een jaarplan?"),
    ("STR-2.3", "Worden resources ad hoc beschikbaar gesteld voor ISAC-doeleinden (financiën, in-kind, personele inzet)?"),
    ("STR-2.4", "Heeft de ISAC een afgestemde communicatiestrategie opgesteld?"),
    ("STR-3.1", "Worden er gezamenlijk producten en/of processen ontwikkeld?"),
    ("STR-3.2", "Is er een roadmap voor de middellange en lange termijn t.b.v. informatiedeling?"),
    ("STR-3.3", "Worden resources structureel beschikbaar gesteld voor ISAC-doeleinden (financiën, in-kind, personele inzet)?"),
    ("STR-3.4", "Is de ISAC een zelfstandige organisatie?"),
    ("STR-3.5", "Worden er namens de ISAC PR-activiteiten ontplooid?"),
    ("STR-3.6", "Legt de ISAC verantwoording af over de activiteiten en resultaten aan de deelnemende organisaties?"),
    ("STR-3.7", "Hebben deelnemers mandaat om namens de eigen organisatie beslissingen te nemen en te handelen in de ISAC?"),
    ("STR-3.8", "Is de value case van de ISAC explicit geformuleerd en vastgelegd?"),
    ("WOW-1.1", "Zijn deelnemers verplicht richtlijnen en afspraken te ondertekenen alvorens deel te kunnen nemen aan informatiedeling?"),
    ("WOW-1.2", "Wordt het Traffic Light Protocol (TLP) gehanteerd?"),
    ("WOW-1.3", "Zijn de toetredingscriteria, procesafspraken en omgang met (vertrouwelijke) informatie vastgelegd in lidmaatschapsrichtlijnen?"),
    ("WOW-1.4", "Wordt er voor de bijeenkomsten een agenda opgesteld?"),
    ("WOW-1.5", "Is de rol van de voorzitter, vicevoorzitter en secretaris belegd?"),
    ("WOW-1.6", "Worden ISAC-bijeenkomsten gestructureerd (door het opstellen van agenda\u2019s en notulen)?"),
    ("WOW-2.1", "Komen ISAC-deelnemers in kleiner (thematisch) verband bij elkaar?"),
    ("WOW-2.2", "Vinden er activiteiten plaats buiten de ISAC-bijeenkomst?"),
    ("WOW-2.3", "Worden de werkafspraken omtrent informatiedeling nageleefd?"),
    ("WOW-2.4", "Zijn formele documenten centraal beheerd en toegankelijk voor ISAC-deelnemers (lidmaatschapsrichtlijnen, notulen, agenda\u2019s, etc.)?"),
    ("WOW-2.5", "Bereiden de voorzitter, vicevoorzitter en secretaris de ISAC-bijeenkomst voor en verdelen zij taken?"),
    ("WOW-3.1", "Heeft de ISAC dedicated capaciteit ter beschikking (communicatieadviseur, een analist, een projectmedewerker, technisch expert, etc.)?"),
    ("WOW-3.2", "Wordt de manier van werken systematisch verbeterd?"),
    ("WOW-3.3", "Zijn er formele afspraken en procedures opgesteld en van kracht t.b.v. het functioneren van de ISAC, de informatieuitwisseling en interne en externe samenwerking?"),
    ("INF-1.1", "Wordt er op dit moment mondeling informatie gedeeld tussen deelnemers?"),
    ("INF-2.1", "Wordt informatie volgens een methode vastgelegd en uitgewisseld?"),
    ("INF-2.2", "Wordt er op digitale wijze informatie gedeeld (wanneer daar behoefte aan is)?"),
    ("INF-3.1", "Wordt informatie ook (niet herleidbaar) buiten de ISAC gedeeld?"),
    ("INF-3.2", "Wordt er op een online platform samengewerkt en informatie uitgewisseld?"),
    ("INF-3.3", "Wordt informatie veilig beheerd en opgeslagen op een online platform?"),
    ("INF-3.4", "Is er overeenstemming over de verschillen tussen operationele, tactische en strategische informatie?"),
    ("INF-3.5", "Vindt informatiedeling (zo veel) mogelijk gestandaardiseerd plaats?"),
    ("SIT-1.1", "Wordt door deelname aan de ISAC de (gemeenschappelijke) situational awareness verhoogd?"),
    ("SIT-1.2", "Vergroot deelname aan de ISAC de effectiviteit van mitigerende maatregelen in de eigen organisaties?"),
    ("SIT-2.1", "Wordt er (regelmatig) een sectoraal omgevingsbeeld opgesteld?"),
    ("SIT-2.2", "Wordt het omgevingsbeeld gedeeld met andere relevante organisaties?"),
    ("SIT-2.3", "Wordt informatie naar gelegenheid geduid en vertaald naar strategische en tactische informatie?"),
    ("SIT-2.4", "Wordt er bij het delen van informatie (TLP-AMBER en TLP-GROEN) bij gelegenheid handelingsperspectief toegevoegd?"),
    ("SIT-2.5", "Worden er af en toe good practices vastgesteld op basis van vorige ISAC-bijeenkomsten?"),
    ("SIT-3.1", "Wordt het sectorale gezamenlijk opgestelde dreigingsbeeld aan andere betrokkenen en relevante organisaties gedeeld t.b.v. collectieve situational awareness?"),
    ("SIT-3.2", "Worden er structureel analyses uitgevoerd en ontwikkelingen geduid met doorvertaling van mogelijke impact in de toekomst?"),
    ("SIT-3.3", "Wordt er structureel deelbaar handelingsperspectief toegevoegd bij informatie (TLP-AMBER en TLP-GROEN)?"),
    ("SIT-3.4", "Stellen ISAC-deelnemers structureel good practices vast op basis van inzichten uit (sectorale) trendanalyses, incidenten en informatie uit vorige ISAC-bijeenkomsten?"),
    ("ACT-1.1", "Nemen deelnemers voornamelijk deel aan de informatie-uitwisseling om goed in staat te zijn hun eigen bedrijf of organisatie veilig te houden?"),
    ("ACT-2.1", "Worden er activiteiten of initiatieven ontplooid die gericht zijn op het vergroten van de weerbaarheid van de sector of regio (gezamenlijk onderzoek uitvoeren, uitwisseling van medewerkers, gezamenlijke dreigingsanalyses, etc.)?"),
    ("ACT-3.1", "Worden er activiteiten of initiatieven ontplooid om samen de sector, regio en Nederland weerbaarder te maken?"),
    ("ACT-3.2", "Is de ISAC zichtbaar in de media, branche of regio?"),
]

ID_RE = re.compile(r"^(STR|WOW|INF|SIT|ACT)-([123])\.([1-9][0-9]*)$")


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys (PyYAML silently keeps the last one)."""


def _no_duplicates(loader, node, deep=False):
    keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
    dupes = {k for k in keys if keys.count(k) > 1}
    if dupes:
        raise yaml.constructor.ConstructorError(None, None, f"duplicate keys {sorted(map(str, dupes))}", node.start_mark)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def _load(path: Path):
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_StrictLoader)


def _rule_files() -> list[Path]:
    return sorted(p for cap in CAPABILITIES for p in (RULES / cap).glob("*.yaml"))


RULE_FILES = _rule_files()
LOADED = {p: _load(p) for p in RULE_FILES}
BY_ID = {r["id"]: r for r in LOADED.values() if isinstance(r, dict) and "id" in r}


def _bilingual(value) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("nl"), str) and value["nl"].strip() != ""
        and isinstance(value.get("en"), str) and value["en"].strip() != ""
    )


def _walk_checks(expr, out: list[dict]) -> None:
    """Collect every {check: ...} node of an expression tree; fail on unknown shapes."""
    assert isinstance(expr, dict), f"expression must be a mapping, got {expr!r}"
    keys = set(expr)
    if keys == {"all"} or keys == {"any"}:
        (children,) = expr.values()
        assert isinstance(children, list) and len(children) >= 2, f"{keys} needs a list of >= 2"
        for child in children:
            _walk_checks(child, out)
    elif keys == {"not"}:
        _walk_checks(expr["not"], out)
    else:
        assert "check" in expr, f"not an expression: {expr!r}"
        out.append(expr)


def _param_refs(value, out: set[str]) -> None:
    if isinstance(value, str) and value.startswith("$"):
        out.add(value[1:])
    elif isinstance(value, dict):
        for v in value.values():
            _param_refs(v, out)
    elif isinstance(value, list):
        for v in value:
            _param_refs(v, out)


# --- the pack as a whole -------------------------------------------------------


def test_fifty_six_rule_files():
    assert len(RULE_FILES) == 56
    assert not list(RULES.glob("*/*.yml")), "use the .yaml extension"


def test_counts_per_capability_and_level():
    for cap, per_level in COUNTS.items():
        for level, expected in zip((1, 2, 3), per_level):
            ids = sorted(
                (r["id"] for r in BY_ID.values() if r["capability"] == cap and r["level"] == level),
                key=lambda i: int(i.rsplit(".", 1)[1]),
            )
            assert ids == [f"{cap}-{level}.{n}" for n in range(1, expected + 1)], (cap, level, ids)


def test_ids_unique_and_match_files():
    ids = [r["id"] for r in LOADED.values()]
    assert len(ids) == len(set(ids))
    for path, rule in LOADED.items():
        assert path.name == f"{rule['id']}.yaml"
        assert path.parent.name == rule["capability"]
        m = ID_RE.match(rule["id"])
        assert m, rule["id"]
        assert rule["capability"] == m.group(1)
        assert rule["level"] == int(m.group(2))


def test_checklist_is_complete_and_in_order():
    assert len(CHECKLIST) == 56
    assert [i for i, _ in CHECKLIST] == [
        f"{cap}-{lvl}.{n}"
        for cap in CAPABILITIES
        for lvl, count in zip((1, 2, 3), COUNTS[cap])
        for n in range(1, count + 1)
    ]


@pytest.mark.parametrize("qid,question", CHECKLIST, ids=[i for i, _ in CHECKLIST])
def test_question_nl_is_verbatim(qid, question):
    assert BY_ID[qid]["question"]["nl"] == question


def test_pack_yaml():
    pack = _load(RULES / "pack.yaml")
    assert pack["name"] == "ncsc-next-generation-isac"
    assert pack["version"] == "1.0.0"
    assert _bilingual(pack["title"])
    assert pack["source"] == "NCSC/TNO Handreiking Next Generation ISAC (TLP:CLEAR)"
    assert pack["tlp_required_types"] == [
        "minutes", "agenda", "shared-information", "situational-picture", "self-assessment",
    ]


# --- each rule -------------------------------------------------------------------

ALLOWED_KEYS = {
    "id", "capability", "level", "question", "parameters", "evidence",
    "attestation", "measure", "advice", "notes",
}


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_rule_shape(path):
    rule = LOADED[path]
    assert set(rule) <= ALLOWED_KEYS, set(rule) - ALLOWED_KEYS
    for key in ("id", "capability", "level", "question", "evidence", "attestation", "measure"):
        assert key in rule, key
    assert _bilingual(rule["question"])
    assert _bilingual(rule["measure"])
    if "advice" in rule:
        assert _bilingual(rule["advice"])
    if "notes" in rule:
        assert isinstance(rule["notes"], str) and rule["notes"].strip()
    q = rule["question"]["nl"]
    assert q == " ".join(q.split()), "question must be one line with single spaces"


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_attestation_and_evidence(path):
    rule = LOADED[path]
    assert rule["attestation"] in ATTESTATION
    assert (rule["attestation"] == "only") == (rule["evidence"] is None)


def test_attestation_only_rules():
    only = sorted(r["id"] for r in BY_ID.values() if r["attestation"] == "only")
    assert only == ["ACT-1.1", "SIT-1.1", "SIT-1.2"]


# The attestation-only rules have no evidence (test_attestation_and_evidence); every other rule's
# checks must be in the catalogue.
EVIDENCE_FILES = [p for p in RULE_FILES if LOADED[p]["evidence"] is not None]


def test_only_the_attestation_only_rules_lack_evidence():
    assert len(EVIDENCE_FILES) == len(RULE_FILES) - 3
    assert {LOADED[p]["id"] for p in RULE_FILES if p not in EVIDENCE_FILES} == {"SIT-1.1", "SIT-1.2", "ACT-1.1"}


@pytest.mark.parametrize("path", EVIDENCE_FILES, ids=[p.stem for p in EVIDENCE_FILES])
def test_checks_are_in_catalogue(path):
    rule = LOADED[path]
    checks: list[dict] = []
    _walk_checks(rule["evidence"], checks)
    assert checks
    for node in checks:
        name = node["check"]
        assert name in PRIMITIVES, f"unknown primitive {name!r}"
        extra = set(node) - {"check"} - PRIMITIVES[name]
        assert not extra, f"{name} does not take {sorted(extra)}"
        if name == "every_meeting_has":
            assert node["requires"] and set(node["requires"]) <= MEETING_REQUIREMENTS
        if name == "document_exists" and "year" in node:
            assert node["year"] in ("current", "next", "previous")
        if name == "profile_has" and "mode" in node:
            assert node["mode"] in ("all", "any")
        if name == "meetings_discuss" and isinstance(node["keywords"], dict):
            assert node["keywords"].get("nl") and node["keywords"].get("en")


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_parameters_declared_and_used(path):
    rule = LOADED[path]
    params = rule.get("parameters") or {}
    refs: set[str] = set()
    _param_refs(rule["evidence"], refs)
    assert refs <= set(params), f"undeclared: {sorted(refs - set(params))}"
    assert set(params) <= refs, f"declared but unused: {sorted(set(params) - refs)}"
    for name, spec in params.items():
        assert spec["type"] in PARAM_TYPES, (name, spec["type"])
        default = spec["default"]
        assert isinstance(default, PARAM_TYPES[spec["type"]]) and not (
            spec["type"] in ("integer", "number") and isinstance(default, bool)
        ), (name, default)
        if "minimum" in spec:
            assert default >= spec["minimum"]
        if "maximum" in spec:
            assert default <= spec["maximum"]
        assert _bilingual(spec["description"]), name


# --- capabilities.yaml ------------------------------------------------------------


def test_capabilities_yaml():
    caps = _load(RULES / "capabilities.yaml")
    assert list(caps) == list(CAPABILITIES)
    for code, cap in caps.items():
        assert _bilingual(cap["name"]), code
        assert _bilingual(cap["description"]), code
        assert set(cap["levels"]) == {1, 2, 3}, code
        for level, body in cap["levels"].items():
            for part in ("characteristics", "advice"):
                texts = body[part]
                assert texts["nl"] and texts["en"], (code, level, part)
                assert len(texts["nl"]) == len(texts["en"]), (code, level, part)
                assert all(isinstance(t, str) and t.strip() for t in texts["nl"] + texts["en"])
        ap = cap["attention_points"]
        assert ap["nl"] and len(ap["nl"]) == len(ap["en"]), code
