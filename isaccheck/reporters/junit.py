"""JUnit XML for CI systems that show test reports (the Jenkins junit-10.xsd shape).

A test suite per capability with a test case per question: a failing question is a <failure>, a
question that is not applicable or unknown is <skipped>. Document findings form a suite
`documents` (a test case per file; a failure when a finding there fails the gate), and a gate,
when given, a suite `gate` with one test case per requirement.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from ..escape import plain
from ..gate import finding_fails
from ..model import Evaluation, Finding, Outcome
from ..rulepack import RulePack
from . import RenderOptions, register
from .cifacts import at, finding_location, question_location


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


def junit_tree(evaluation: Evaluation, pack: RulePack, options: RenderOptions) -> ET.Element:
    lang = options.lang
    root = ET.Element("testsuites", {"name": f"isaccheck: {evaluation.isac_name}", "time": "0"})
    for cap in evaluation.capabilities:
        info = pack.capabilities.get(cap.code)
        suite = _suite(root, f"{cap.code} {info.name(lang) if info else ''}".strip(), f"isaccheck.{cap.code}",
                       evaluation)
        for q in (q for q in evaluation.questions if q.capability == cap.code):
            rule = pack.rule(q.id)
            question = rule.question(lang) if rule else q.id
            case = ET.SubElement(suite, "testcase", {"name": f"{q.id} {question}", "classname": f"isaccheck.{cap.code}",
                                                     "time": "0"})
            path, line = question_location(q)
            if q.outcome in (Outcome.FAILS, Outcome.ERROR):
                failure = ET.SubElement(case, "failure", {"message": q.reason(lang), "type": q.outcome.value})
                advice = rule.advice(lang) if rule and rule.advice else ""
                failure.text = "\n".join(x for x in (f"{at(path, options)}:{line}", q.reason(lang), advice) if x)
            elif q.outcome in (Outcome.NOT_APPLICABLE, Outcome.UNKNOWN):
                ET.SubElement(case, "skipped", {"message": q.reason(lang), "type": q.outcome.value})
            else:
                out = ET.SubElement(case, "system-out")
                out.text = q.reason(lang)

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
