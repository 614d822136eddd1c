"""The call order that code-path.md shows is the order in which the package really calls."""

import sys

import numpy as np
import pytest

from lambda_puzzle import TwoLayerNet
from tests.paths import LANGUAGES, page_of


def recorded_calls() -> list[str]:
    """Every call inside lambda_puzzle up to the end of the first loss evaluation."""
    net = TwoLayerNet(input_size=2, hidden_size=2, output_size=2, rng=0)
    calls, depth = [], 0

    def profiler(frame, event, arg):
        nonlocal depth
        code = frame.f_code
        if "lambda_puzzle" not in code.co_filename or code.co_name.startswith("_"):
            return
        if event == "call":
            calls.append("  " * depth + code.co_qualname)
            depth += 1
        elif event == "return":
            depth -= 1

    sys.setprofile(profiler)
    try:
        net.numerical_gradient(np.array([[1.0, 2.0]]), np.array([0]))
    finally:
        sys.setprofile(None)
    second_lambda = [i for i, c in enumerate(calls) if c.endswith("<lambda>")][1]
    return calls[:second_lambda]


def shown_calls(lang: str) -> list[str]:
    """The text block of the page's "call-trace" section."""
    page = page_of(lang, "code-path.md")
    start = next(h.line for h in page.headings if h.id == "call-trace")
    return next(b for b in page.blocks if b.line > start and b.lang == "text").code.splitlines()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_shows_the_calls_as_they_happen(lang):
    assert shown_calls(lang) == recorded_calls()
