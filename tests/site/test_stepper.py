"""The home page's stepper shows a real run: the built pages hold exactly what the package does.

The browser half (stepping by mouse and keyboard, in both modes, and the page without
JavaScript) is in test_browser.py; here the built HTML is read back.
"""

from __future__ import annotations

import ast
import copy
import json
import re

import pytest

from doccheck import parse_page
from overrides import stepper
from tests.paths import DOCS, LANGUAGES, html_of
from tests.site.stepper_run import T, X, record_again

DATA = re.compile(r'<script type="application/json" class="stepper__data">(.*?)</script>', re.S)
ROOT_ELEMENT = re.compile(r'<div class="stepper"[^>]*\bdata-stepper="numerical-gradient"')
RECORD = record_again()
KEYS = ("start", "steps", "end", "result")


def embedded(site, lang: str) -> dict:
    html = html_of(site, DOCS / lang / "index.md")
    found = DATA.findall(html)
    assert len(found) == 1, f"{lang}: {len(found)} records on the home page"
    return json.loads(found[0].replace("<\\/", "</"))


def drift(shown: dict, again: dict) -> list[str]:
    """Where the record a page holds differs from the run made again."""
    problems = [] if shown["base_loss"] == again["base_loss"] else ["the first loss"]
    for mode in ("same", "copy"):
        for key in KEYS:
            if key != "steps" and shown[mode][key] != again[mode][key]:
                problems.append(f"{mode}: {key}")
        if len(shown[mode]["steps"]) != len(again[mode]["steps"]):
            problems.append(f"{mode}: {len(shown[mode]['steps'])} calls, not {len(again[mode]['steps'])}")
            continue
        for n, (a, b) in enumerate(zip(shown[mode]["steps"], again[mode]["steps"], strict=True), start=1):
            problems += [f"{mode}: call {n}: {k}" for k in ("index", "sign", "loss", "w", "copy", "grad")
                         if a.get(k) != b.get(k)]
    return problems


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_home_page_has_one_stepper_and_its_script(site, lang):
    html = html_of(site, DOCS / lang / "index.md")
    assert len(ROOT_ELEMENT.findall(html)) == 1
    assert html.count("assets/stepper.js") == 1
    assert 'classList.add("js-stepper")' in html
    for action in ("prev", "next", "play", "reset"):
        assert html.count(f'data-action="{action}"') == 1
    assert re.search(r'data-action="copy" aria-pressed="false"', html)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_stepper_holds_the_run_made_again(site, lang):
    assert drift(embedded(site, lang), RECORD) == []
    assert len(RECORD["same"]["steps"]) == 12


def test_a_number_that_drifts_is_caught():
    changed = copy.deepcopy(RECORD)
    changed["same"]["steps"][4]["loss"] = repr(float(changed["same"]["steps"][4]["loss"]) + 1e-12)
    changed["copy"]["steps"][0]["w"][0][0] = "0.5"
    assert drift(changed, RECORD) == ["same: call 5: loss", "copy: call 1: w"]


def test_the_twelve_calls_return_twelve_different_losses():
    # A repeated loss (the old input's third value was minus its first) read as a bug.
    assert len({step["loss"] for step in RECORD["same"]["steps"]}) == 12


def test_the_end_shows_the_array_restored_and_the_whole_gradient():
    same, copied = RECORD["same"], RECORD["copy"]
    assert same["end"]["w"] == same["start"] and same["end"]["grad"] == same["result"]
    assert copied["end"]["w"] == copied["end"]["copy"] == copied["start"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_stepper_runs_the_home_page_blocks_own_input(lang):
    page = parse_page((DOCS / lang / "index.md").read_text("utf-8"), collect=False)
    code = next(b.code for b in page.runnable_blocks if "grad_W1.round(6)" in b.code)
    given = {target.id: node.value for node in ast.parse(code).body if isinstance(node, ast.Assign)
             for target in node.targets if isinstance(target, ast.Name) and target.id in ("x", "t")}
    assert {name: ast.literal_eval(value.args[0]) for name, value in given.items()} == {"x": X, "t": T}
    assert (stepper.X, stepper.T) == (X, T)


def test_a_copy_never_moves_the_loss_and_gives_zeros():
    run = RECORD["copy"]
    assert {step["loss"] for step in run["steps"]} == {RECORD["base_loss"]}
    assert all(step["w"] == run["start"] for step in run["steps"])  # net.params['W1'] never changes
    assert run["result"] == [["0.0", "0.0"]] * 3


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_last_gradient_is_what_the_page_prints(lang):
    page = parse_page((DOCS / lang / "index.md").read_text("utf-8"), collect=False)
    printed = next(b.expected_output for b in page.runnable_blocks if b.expected_output
                   and "grad_W1.round(6)" in b.code)
    shown = [float(v) for v in re.findall(r"-?\d+\.\d+", printed)]
    assert shown == [round(float(v), 6) for row in RECORD["same"]["result"] for v in row]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_javascript_the_stepper_is_a_table_of_every_call(site, lang):
    html = html_of(site, DOCS / lang / "index.md")
    tables = dict(re.findall(r'<table class="stepper__table" data-mode="(\w+)">(.*?)</table>', html, re.S))
    assert list(tables) == ["same", "copy"]
    for mode, table in tables.items():
        rows = re.findall(r"<tr>(.*?)</tr>", re.search(r"<tbody>(.*?)</tbody>", table, re.S)[1])
        cells = [re.findall(r"<td>(.*?)</td>", row) for row in rows]
        losses = [row[4] for row in cells]
        assert losses == [step["loss"] for step in RECORD[mode]["steps"]], mode
        # The change from the loss before any nudge, as the widget writes it (toExponential(2)).
        changes = [float(row[5]) for row in cells]
        base = float(RECORD["base_loss"])
        assert changes == pytest.approx([float(step["loss"]) - base for step in RECORD[mode]["steps"]], rel=1e-2), mode
        assert (mode == "copy") == all(row[5] == "0" for row in cells)
