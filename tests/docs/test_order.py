"""The real pages give the same result in any order: three shuffled runs of docs/.

Each run also checks the pages under another hash seed than make check's (3, 4, 5
beside its 1, and the notebook reading's 2), so that a page whose output depends on
the seed has six chances instead of two to show it.
"""

import re
import subprocess
import sys

import pytest

from tests import background
from tests.paths import ROOT

pytestmark = pytest.mark.slow  # three more runs of every page: `make test`, not `make check`


def outcomes(*args: str) -> tuple[list[str], dict[str, str]]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "docs", "-p", "no:cacheprovider", "-q", "-rA", "--no-header", *args],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    # -rA lists every item with its outcome, in the order the items ran.
    found = re.findall(r"^(PASSED|FAILED|ERROR) (docs/\S+)", result.stdout, re.M)
    return [node for _, node in found], {node: outcome for outcome, node in found}


def three_orders(config) -> list[tuple[list[str], dict[str, str]]]:
    # The suite itself runs docs/ in file order; here, three other orders.
    return [outcomes("--doccheck-shuffle", seed, "-o", f"doccheck_seed={hash_seed}")
            for seed, hash_seed in (("1", "3"), ("2", "4"), ("3", "5"))]


# Run in the background thread from the end of collection on (tests/background.py).
BACKGROUND = {"docs in three orders": three_orders}


def test_the_docs_pass_in_random_page_orders():
    runs = background.result("docs in three orders")
    first = runs[0][1]
    assert len(first) > 100 and set(first.values()) == {"PASSED"}
    assert all(found == first for _, found in runs)
    assert len({tuple(order) for order, _ in runs}) == 3, "the seeds did not change the page order"
