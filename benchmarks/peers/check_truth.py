"""Checks the engine against the truth the generator planted (truth.json).

Usage: python3 check_truth.py TRUTH_JSON FUNNEL_JSON PERSONAS_JSON
       python3 check_truth.py --friction TRUTH_JSON FRICTION_JSON

- the ordered 30-day stage funnel equals `funnel.steps` exactly (the generator counts the same
  definition), step ids in the same order;
- each persona's customers equal `personas_identified` (customers are only known to be of a
  persona once they identify); the engine's `none` equals the customers left over;
- the index's unclassified events equal `unclassified_events`;
- with --friction, the planted friction touchpoints are the top findings of
  `wayfinder analyze friction --format json`, as drop-offs whose visitors and leavers equal the
  truth's (leavers never reached the goal; docs/analytics.md, "Definitions"), and the drop-off
  baseline without them equals the truth's baseline.
"""

import sys

from peers_common import Report, funnel_counts, load_json


def check_funnel(report: Report, truth: dict, funnel: dict) -> None:
    if funnel["funnel"].get("mode") != "ordered" or funnel["funnel"].get("window_days") != truth["window_days"]:
        report.mismatches.append(f"funnel: expected the ordered {truth['window_days']}-day funnel, got "
                                 f"{funnel['funnel'].get('mode')} over {funnel['funnel'].get('window_days')} days")
    engine = funnel_counts(funnel)
    planted = [(step["id"], step["customers"]) for step in truth["funnel"]["steps"]]
    report.equal("funnel step ids", [step for step, _ in engine], [step for step, _ in planted], "truth")
    planted_by_id = dict(planted)
    for step, count in engine:
        report.equal(f"ordered funnel step {step}", count, planted_by_id.get(step), "truth")
    report.note(f"funnel: engine {[count for _, count in engine]}, truth {[count for _, count in planted]}")


def check_personas(report: Report, truth: dict, personas: dict) -> None:
    engine = {persona["id"]: persona["customers"] for persona in personas["personas"]["personas"]}
    identified = {persona: count for persona, count in truth["personas_identified"].items() if persona != "none"}
    for persona in sorted(set(engine) | set(identified)):
        if persona == "none":
            continue
        report.equal(f"persona {persona} customers", engine.get(persona, 0), identified.get(persona, 0), "truth")
    left_over = truth["customers"] - sum(identified.values())
    report.equal("customers matching no persona", engine.get("none", 0), left_over, "truth (customers − identified)")
    report.note(f"personas: engine {dict(sorted(engine.items()))}, truth identified {dict(sorted(identified.items()))}")


def check_unclassified(report: Report, truth: dict, personas: dict) -> None:
    index = personas["index"]
    report.equal("unclassified events", index.get("unclassified"), truth["unclassified_events"], "truth")
    report.equal("events read", index.get("events"), truth["events"], "truth")
    report.note(f"events: {index.get('events')} read, {index.get('unclassified')} unclassified "
                f"(truth {truth['events']}, {truth['unclassified_events']})")


def check_friction(report: Report, truth: dict, friction: dict) -> None:
    planted = {point["touchpoint"]: point["realised"] for point in truth["friction"]}
    findings = friction["friction"]["findings"]
    top = [(finding["kind"], finding.get("touchpoint")) for finding in findings[:len(planted)]]
    report.equal("top friction findings", sorted(top), sorted(("drop_off", touchpoint) for touchpoint in planted), "planted points")
    drops = {finding["touchpoint"]: finding for finding in findings if finding["kind"] == "drop_off"}
    for touchpoint, realised in sorted(planted.items()):
        finding = drops.get(touchpoint, {})
        report.equal(f"{touchpoint} visitors", finding.get("exposed"), realised["visitors"], "truth")
        report.equal(f"{touchpoint} customers who left", finding.get("affected"), realised["left"], "truth")
    # The engine's drop-off baseline pools every touchpoint; the truth's leaves the planted ones out.
    baseline = next(line for line in friction["friction"]["baselines"] if line["kind"] == "drop_off")
    report.equal("baseline visitors without the planted points",
                 baseline["exposed"] - sum(point["visitors"] for point in planted.values()), truth["baseline"]["realised"]["visitors"], "truth")
    report.equal("baseline leavers without the planted points",
                 baseline["affected"] - sum(point["left"] for point in planted.values()), truth["baseline"]["realised"]["left"], "truth")
    report.note(f"friction: top {len(planted)} of {len(findings)} findings {top}, planted {sorted(planted)}")


def main(arguments: list[str]) -> None:
    if arguments[0] == "--friction":
        report = Report("planted friction")
        check_friction(report, load_json(arguments[1]), load_json(arguments[2]))
    else:
        report = Report("planted truth")
        truth = load_json(arguments[0])
        check_funnel(report, truth, load_json(arguments[1]))
        personas = load_json(arguments[2])
        check_personas(report, truth, personas)
        check_unclassified(report, truth, personas)
    report.finish()


if __name__ == "__main__":
    if sys.argv[1:2] in (["-h"], ["--help"]) or len(sys.argv) != 4:
        print(__doc__)
        sys.exit(0 if sys.argv[1:2] in (["-h"], ["--help"]) else 2)
    main(sys.argv[1:])
