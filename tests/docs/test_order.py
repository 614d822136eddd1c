"""The real pages give the same result in any order: three shuffled runs of docs/.

Each run also checks the pages under another hash seed than make check's (1, and the
notebook reading's 2): three seeds drawn at random each time, so that over many runs a
page whose output depends on the seed is found, whatever seed it happens to pass under.
A failure names its seeds: `pytest docs -o doccheck_seed=N` shows it again. The runs
leave out the notebook reading, which the suite's own run of docs/ has, and a real
Jupyter kernel too (tests/site/test_notebooks.py): the page order and the hash seed
are what change here.
"""

import random
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
    hash_seeds = [str(random.randrange(3, 2**32 - 1)) for _ in range(3)]
    return [(*outcomes("--doccheck-shuffle", seed, "-o", f"doccheck_seed={hash_seed}",
                       "-o", "doccheck_readings=script seed"), hash_seed)
            for seed, hash_seed in zip(("1", "2", "3"), hash_seeds, strict=True)]


# Run in the background thread from the end of collection on (tests/background.py).
BACKGROUND = {"docs in three orders": three_orders}


def without_refused_pages(found: dict[str, str]) -> dict[str, str]:
    """The outcomes, less those of pages whose audit fails: that failure says why, once."""
    refused = {node.removesuffix("::audit") for node, outcome in found.items()
               if node.endswith("::audit") and outcome != "PASSED"}
    return {node: outcome for node, outcome in found.items() if node.split("::")[0] not in refused}


def test_the_docs_pass_in_random_page_orders():
    runs = [(order, without_refused_pages(found), seed)
            for order, found, seed in background.result("docs in three orders")]
    seeds = [seed for *_, seed in runs]
    first = runs[0][1]
    assert len(first) > 100 and set(first.values()) == {"PASSED"}, f"doccheck_seed={seeds[0]}"
    for _, found, seed in runs:
        failed = sorted(node for node, outcome in found.items() if outcome != "PASSED")
        assert found == first, f"under doccheck_seed={seed}: {failed}"
    assert len({tuple(order) for order, *_ in runs}) == 3, "the seeds did not change the page order"
