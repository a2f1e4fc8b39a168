"""The renovation's promise: every output is bit-identical to the recorded fingerprints.

``tests/golden/hashes.json`` was written by ``tests/golden/record.py`` at the commit it
names; a change that moves any number (a scenario run, a compare, a sweep on one or two
workers, a validation probe, the decomposition, a page replay with a fork and injected
shocks) fails here. A change meant to move results re-records them and says so.

The fingerprints hold for the libraries they were recorded with (``libraries`` in the file):
a new numpy or pandas may move the last bits of a result without any change here, so with
other versions the test is skipped, naming them (re-record with ``record.py`` to guard a
change made with those versions).
"""

import json
from pathlib import Path

import pytest

from tests.golden.record import fingerprints, libraries

FILE = json.loads((Path(__file__).parent / "golden" / "hashes.json").read_text())
RECORDED = FILE["hashes"]


def test_outputs_are_bit_identical_to_the_recorded_fingerprints():
    here = libraries()
    if FILE.get("libraries") != here:
        other = {k: (v, here.get(k)) for k, v in FILE.get("libraries", {}).items() if here.get(k) != v}
        pytest.skip(f"fingerprints recorded with other libraries (recorded, here): "
                    f"{other or FILE.get('libraries')}; re-record with python tests/golden/record.py")
    now = fingerprints()
    assert now.keys() == RECORDED.keys()
    changed = sorted(k for k in RECORDED if now[k] != RECORDED[k])
    assert not changed, f"outputs changed: {changed}"
