"""The renovation's promise: every output is bit-identical to the recorded fingerprints.

``tests/golden/hashes.json`` was written by ``tests/golden/record.py`` at the commit it
names; a change that moves any number (a scenario run, a compare, a sweep on one or two
workers, a validation probe, the decomposition, a page replay with a fork and injected
shocks) fails here. A change meant to move results re-records them and says so.
"""

import json
from pathlib import Path

from tests.golden.record import fingerprints

RECORDED = json.loads((Path(__file__).parent / "golden" / "hashes.json").read_text())["hashes"]


def test_outputs_are_bit_identical_to_the_recorded_fingerprints():
    now = fingerprints()
    assert now.keys() == RECORDED.keys()
    changed = sorted(k for k in RECORDED if now[k] != RECORDED[k])
    assert not changed, f"outputs changed: {changed}"
