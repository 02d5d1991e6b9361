"""What the peer checks share: reading the engine's JSON, comparing counts, reporting."""

import json
import sys


class Report:
    """Counts comparisons and collects mismatches; `finish()` exits 1 when any was found."""

    def __init__(self, name: str):
        self.name = name
        self.compared = 0
        self.mismatches: list[str] = []

    def equal(self, what: str, engine, peer, peer_name: str) -> None:
        """Records one comparison of the engine's number with a peer's."""
        self.compared += 1
        if engine != peer:
            self.mismatches.append(f"{what}: engine {engine}, {peer_name} {peer}")

    def note(self, message: str) -> None:
        print(f"  {self.name}: {message}")

    def finish(self) -> None:
        shown = self.mismatches[:25]
        for line in shown:
            print(f"  MISMATCH {self.name}: {line}")
        if len(self.mismatches) > len(shown):
            print(f"  ... and {len(self.mismatches) - len(shown)} more mismatches")
        status = "FAIL" if self.mismatches else "ok"
        print(f"  {status:5} {self.name}: {self.compared} counts compared, {len(self.mismatches)} differ")
        if self.mismatches:
            sys.exit(1)


def load_json(path: str) -> dict:
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def funnel_counts(output: dict) -> list[tuple[str, int]]:
    """(step id, customers) of a `wayfinder analyze funnel --format json` output."""
    return [(step["id"], step["customers"]) for step in output["funnel"]["steps"]]
