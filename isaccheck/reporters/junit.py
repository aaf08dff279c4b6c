"""JUnit XML for CI systems that show test reports (the Jenkins junit-10.xsd shape).

A test suite per capability with a test case per question, named by the question's id (stable
across languages and rule-text edits; the question is in system-out). Failures follow the gate,
so a run that passes its gate has no <failure> and Jenkins does not mark it unstable: a failing
question is a <failure> only when it keeps its capability below the level the gate requires (and
the gate failed); a failing question the gate does not require is <skipped> with why. A question
that is not applicable or unknown is <skipped>. Each capability suite has properties (level,
ambition, the gate's minimum). Document findings form a suite `documents` (a test case per
file; a failure when a finding there fails the gate), a gate, when given, a suite `gate` with one
test case, and the suite `run` carries the run's facts and warnings (a shallow clone, ...) as
properties and system-out.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from ..escape import plain
from ..gate import finding_fails
from ..i18n import OUTCOME_WORDS, severity_word, word
from ..model import Evaluation, Finding, Outcome, QuestionResult, Text
from ..rulepack import RulePack
from . import RenderOptions, register
from .cifacts import at, blocks, finding_location, question_location, required_levels

_NOT_REQUIRED = Text("does not hold, but the gate does not require it", "klopt niet, maar de gate vereist het niet")


_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(root: ET.Element) -> None:
    """Characters XML 1.0 cannot carry (control characters from a document) become U+FFFD; C1 and bidi, escapes."""
    for element in root.iter():
        for key, value in element.attrib.items():
            element.set(key, plain(_NOT_XML.sub("\ufffd", value), keep="\t\n\r"))
        if element.text:
            element.text = plain(_NOT_XML.sub("\ufffd", element.text), keep="\t\n\r")


def _suite(parent: ET.Element, name: str, package: str, evaluation: Evaluation) -> ET.Element:
    suite = ET.SubElement(parent, "testsuite", {"name": name, "package": package, "time": "0"})
    # The label of what the report quotes, where JUnit keeps facts about a run: every suite's properties
    # (a test report viewer may show one suite alone).
    if evaluation.tlp or evaluation.withheld:
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", {"name": "tlp", "value": f"TLP:{evaluation.tlp}" if evaluation.tlp else ""})
        ET.SubElement(properties, "property", {"name": "tlp_withheld", "value": str(evaluation.withheld)})
    return suite


def _count(suite: ET.Element) -> tuple[int, int, int]:
    cases = suite.findall("testcase")
    failures = sum(1 for c in cases if c.find("failure") is not None)
    skipped = sum(1 for c in cases if c.find("skipped") is not None)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    return len(cases), failures, skipped


def _properties(suite: ET.Element, values: list[tuple[str, str]]) -> None:
    # One <properties> per suite: added to when the suite already has one.
    props = suite.find("properties")
    if props is None:
        props = ET.Element("properties")
        suite.insert(0, props)
    for name, value in values:
        ET.SubElement(props, "property", {"name": name, "value": value})


def fails_gate(q: QuestionResult, evaluation: Evaluation, options: RenderOptions) -> bool:
    """A failing question fails the report only where the gate fails on it (or, without a gate, on the ambition)."""
    gate = options.gate
    if gate is None:
        return blocks(q, evaluation, options)
    if gate.passed:
        return False
    named = {r.question for r in gate.reasons if r.kind == "regression-question"}
    return q.id in named or (bool(gate.required) and blocks(q, evaluation, options))


def junit_tree(evaluation: Evaluation, pack: RulePack, options: RenderOptions) -> ET.Element:
    lang = options.lang
    root = ET.Element("testsuites", {"name": f"isaccheck: {evaluation.isac_name}", "time": "0"})
    required = required_levels(evaluation, options)
    for cap in evaluation.capabilities:
        info = pack.capabilities.get(cap.code)
        suite = _suite(root, f"{cap.code} {info.name(lang) if info else ''}".strip(), f"isaccheck.{cap.code}",
                       evaluation)
        _properties(suite, [("level", str(cap.level)), ("ambition", "-" if cap.ambition is None else str(cap.ambition)),
                            ("required", str(required[cap.code]) if cap.code in required else "-")])
        for q in (q for q in evaluation.questions if q.capability == cap.code):
            rule = pack.rule(q.id)
            question = rule.question(lang) if rule else q.id
            case = ET.SubElement(suite, "testcase", {"name": q.id, "classname": f"isaccheck.{cap.code}", "time": "0"})
            path, line = question_location(q)
            if q.outcome in (Outcome.FAILS, Outcome.ERROR) and fails_gate(q, evaluation, options):
                failure = ET.SubElement(case, "failure", {"message": q.reason(lang), "type": q.outcome.value})
                advice = rule.advice(lang) if rule and rule.advice else ""
                failure.text = "\n".join(x for x in (f"{at(path, options)}:{line}", q.reason(lang), advice) if x)
            elif q.outcome in (Outcome.FAILS, Outcome.ERROR):
                ET.SubElement(case, "skipped", {"message": f"{_NOT_REQUIRED(lang)}: {q.reason(lang)}",
                                                "type": q.outcome.value})
            elif q.outcome in (Outcome.NOT_APPLICABLE, Outcome.UNKNOWN):
                ET.SubElement(case, "skipped", {"message": q.reason(lang), "type": q.outcome.value})
            out = ET.SubElement(case, "system-out")
            out.text = f"{q.id} ({word('level', lang).lower()} {q.level}): {question}\n{OUTCOME_WORDS[q.outcome](lang)}: {q.reason(lang)}"

    fail_on = options.gate.policy.fail_on if options.gate else "error"
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in evaluation.findings:
        by_file[f.path].append(f)
    documents = _suite(root, "documents", "isaccheck.documents", evaluation)
    for path in sorted(by_file):
        case = ET.SubElement(documents, "testcase", {"name": at(path, options), "classname": "isaccheck.documents",
                                                     "time": "0"})
        lines = [f"{at(f.path, options)}:{finding_location(f)[1]}: {f.severity.value}: {f.message(lang)} [{f.code}]"
                 for f in sorted(by_file[path], key=Finding.sort_key)]
        failing = [f for f in by_file[path] if finding_fails(f, fail_on)]
        if failing:
            failure = ET.SubElement(case, "failure", {"message": failing[0].message(lang), "type": failing[0].code})
            failure.text = "\n".join(lines)
        else:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(lines)

    if options.gate is not None:
        gate = _suite(root, "gate", "isaccheck.gate", evaluation)
        # The policy in force, one property per setting, where a reviewer of the test report looks.
        properties = gate.find("properties")
        if properties is None:
            properties = ET.Element("properties")
            gate.insert(0, properties)
        for item in options.gate.policy_items:
            ET.SubElement(properties, "property", {"name": f"policy.{item.kind}.{item.subject}",
                                                   "value": item.describe(lang)})
        reasons = [r for r in options.gate.reasons if r.kind != "finding"]
        case = ET.SubElement(gate, "testcase", {"name": options.gate.policy.describe(), "classname": "isaccheck.gate",
                                                "time": "0"})
        if reasons:
            failure = ET.SubElement(case, "failure", {"message": reasons[0].message(lang), "type": reasons[0].kind})
            failure.text = "\n".join(r.message(lang) for r in reasons)

    # The run itself: its facts and its warnings (they are not about one question or file).
    run = _suite(root, "run", "isaccheck.run", evaluation)
    prov = evaluation.provenance
    gate_state = "none" if options.gate is None else ("passed" if options.gate.passed else "failed")
    _properties(run, [("as_of", prov.as_of), ("isaccheck", prov.tool_version), ("rulepack", prov.rulepack_version),
                      ("gate", gate_state), *[("warning", w(lang)) for w in evaluation.warnings]])
    if evaluation.warnings:
        out = ET.SubElement(run, "system-out")
        out.text = "\n".join(f"{severity_word('warning', lang)}: {w(lang)}" for w in evaluation.warnings)

    totals = [0, 0, 0]
    for suite in root.findall("testsuite"):
        for i, n in enumerate(_count(suite)):
            totals[i] += n
    root.set("tests", str(totals[0]))
    root.set("failures", str(totals[1]))
    root.set("errors", "0")
    return root


@register("junit")
class JunitReporter:
    name = "junit"

    def render(self, evaluation: Evaluation, pack: RulePack, options: RenderOptions) -> str:
        root = junit_tree(evaluation, pack, options)
        _clean(root)
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
