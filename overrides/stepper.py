"""The home page's stepper: `numerical_gradient` watched call by call, from a real run.

At build time, `record()` runs `lambda_puzzle` on the home page's own example
(`TwoLayerNet(3, 2, 2, rng=0)` on `X` and `T` below, which tests/site/test_stepper.py
holds equal to the page's block) with a spy `f` that notes, at each of the 12 calls,
which element is nudged and which way, what `net.params[\"W1\"]` holds, the loss it
returns and the gradient filled so far; then the end, once `numerical_gradient` has
returned (the array restored, the whole gradient). It does so twice: passing
`net.params[\"W1\"]` itself, and passing a copy of it. No number is typed by hand;
tests/site/test_stepper.py records the run again, with a spy of its own, and compares.

`render()` writes the widget's HTML for a page's language: the grids and controls
(docs/assets/stepper.js drives them), the record as JSON, and a table with one row
per call, which is what a reader without JavaScript sees.
"""

from __future__ import annotations

import html
import json
from typing import Any

import numpy as np

from lambda_puzzle import TwoLayerNet, numerical_gradient

SLOT = '<div data-stepper="numerical-gradient"></div>'  # where a page wants the widget
# The home page's input data and labels. The third input is not -1 times the first, so
# that no two of the 12 calls return the same loss (a reader took a repeat for a bug).
X = [[1.0, 0.5, -2.0]]
T = [1]

# Its stylesheet, inlined into the pages that have a stepper (hooks.py): here, not in a .css file
# of overrides/, which MkDocs would copy into the site beside the pages.
STYLE = """/* The stepper (overrides/stepper.py), inlined into the pages that have one. With
   JavaScript off, only its table shows; a script in the page's head adds the class
   js-stepper before the first paint, so the controls take the table's place without
   a shift. Material's colours throughout. */
.stepper { margin: 1em 0; padding: 0.8em; border: 0.05rem solid var(--md-default-fg-color--lightest);
  border-radius: 0.2rem; }
.stepper__ui { display: none; }
.js-stepper .stepper__ui { display: block; }
.js-stepper .stepper__fallback { display: none; }
.stepper__fallback { overflow-x: auto; }
.stepper__controls { display: flex; flex-wrap: wrap; gap: 0.4em; }
.md-typeset .stepper__controls .md-button { margin: 0; padding: 0.35em 0.9em; font-size: 0.7rem; }
.md-typeset .stepper__controls .md-button:is(:hover, :focus-visible) { color: var(--md-primary-bg-color);
  background-color: var(--md-primary-fg-color); border-color: var(--md-primary-fg-color); }
.md-typeset .stepper__controls .md-button[aria-pressed="true"] { color: var(--md-primary-bg-color);
  background-color: var(--md-primary-fg-color); border-color: var(--md-primary-fg-color); }
.md-typeset .stepper__controls .md-button:disabled { opacity: 0.6; cursor: default; }
.md-typeset .stepper__fields { display: flex; flex-wrap: wrap; gap: 0.2em 1.2em; margin: 0.8em 0; }
.md-typeset .stepper__field dt { font-size: 0.65rem; color: var(--md-default-fg-color--light); margin: 0; }
.md-typeset .stepper__field dd { margin: 0; font-family: var(--md-code-font-family);
  font-variant-numeric: tabular-nums; }
.stepper__grids { display: flex; flex-wrap: wrap; gap: 0.8em 1.6em; }
.stepper__grid[hidden] { display: none; }
.md-typeset .stepper__label { margin: 0 0 0.2em; font-size: 0.65rem; font-family: var(--md-code-font-family); }
.md-typeset table.stepper__cells { display: table; margin: 0; border-collapse: collapse; font-size: 0.7rem;
  font-family: var(--md-code-font-family); font-variant-numeric: tabular-nums; }
.md-typeset table.stepper__cells td { min-width: 5.2em; height: 1.9em; padding: 0.2em 0.4em; text-align: right;
  border: 0.05rem solid var(--md-default-fg-color--lighter); transition: background-color 0.25s; }
.md-typeset table.stepper__cells td.stepper__hot { background-color: var(--md-accent-fg-color--transparent);
  outline: 0.1rem solid var(--md-accent-fg-color); outline-offset: -0.1rem; }
.md-typeset .stepper__status { min-height: 4.5em; margin: 0.8em 0 0; font-size: 0.7rem; }
.md-typeset table.stepper__table { font-size: 0.65rem; }
@media (prefers-reduced-motion: reduce) {
  .md-typeset table.stepper__cells td { transition: none; }
}"""

LABELS = {
    "ja": {
        "title": "numerical_gradient の12回の呼び出しを1回ずつ見る",
        "prev": "前へ", "next": "次へ", "play": "再生", "pause": "一時停止", "reset": "最初から",
        "copy": "コピーを渡す",
        "call": "呼び出し", "of": "／12", "index": "要素", "sign": "向き", "loss": "損失",
        "delta": "ずらす前の損失との差", "grad": "勾配 grad", "w": "W と net.params[\"W1\"]（同じ配列）",
        "w_copy": "net.params[\"W1\"]", "copy_grid": "W（コピー）",
        "none": "まだ呼び出していません。「次へ」を押してください。",
        "table_caption": "net.params[\"W1\"] をそのまま渡した場合の、f の12回の呼び出し"
                         "（ずらす前の損失は {base}）",
        "table_caption_copy": "コピーを渡した場合の、同じ12回分（net.params[\"W1\"] は変わらない）",
        "col_w_copy": "コピー側の要素の値",
        "col_call": "回", "col_index": "要素", "col_sign": "向き", "col_w": "その要素の値",
        "col_loss": "f が返した損失",
        "col_grad": "grad に入った値",
        "say_call": "{n}回目の呼び出し：W1[{i}, {j}] を {sign}h ずらしました。"
                    "損失は {loss}、ずらす前との差は {delta} です。",
        "say_copy": "{n}回目の呼び出し：コピーの [{i}, {j}] を {sign}h ずらしました。"
                    "net.params[\"W1\"] は変わらないので、損失はずらす前と同じ {loss} です。",
        "say_restore": "この呼び出しのあと、grad[{i}, {j}] に {grad} を入れてから、"
                       "要素 [{i}, {j}] を元の値に戻します。",
        "say_start": "最初の状態に戻りました。まだ呼び出していません。",
        "say_end": "numerical_gradient が終わりました。W1 は元の値に戻り、勾配の要素はすべて求まっています。",
        "say_end_copy": "numerical_gradient が終わりました。net.params[\"W1\"] は一度も変わらず、勾配はすべて 0 です。",
        "say_mode_same": "net.params[\"W1\"] そのものを渡します。",
        "say_mode_copy": "net.params[\"W1\"] のコピーを渡します。",
    },
    "en": {
        "title": "The 12 calls of numerical_gradient, one at a time",
        "prev": "Previous", "next": "Next", "play": "Play", "pause": "Pause", "reset": "Reset",
        "copy": "Pass a copy",
        "call": "Call", "of": " of 12", "index": "Element", "sign": "Direction", "loss": "Loss",
        "delta": "Change from the loss before any nudge", "grad": "Gradient grad",
        "w": "W and net.params[\"W1\"] (one array)",
        "w_copy": "net.params[\"W1\"]", "copy_grid": "W (a copy)",
        "none": "No call yet. Press Next.",
        "table_caption": "The 12 calls numerical_gradient makes to f "
                         "(W is net.params[\"W1\"] itself; the loss before any nudge is {base})",
        "table_caption_copy": "The same 12 calls when W is a copy of net.params[\"W1\"], "
                              "which then never changes",
        "col_w_copy": "The copy's value then",
        "col_call": "Call", "col_index": "Element", "col_sign": "Direction", "col_w": "Value then",
        "col_loss": "Loss f returned",
        "col_grad": "Value in grad",
        "say_call": "Call {n} of 12: W1[{i}, {j}] {sign} h. "
                    "The loss is {loss}, {delta} from the loss before any nudge.",
        "say_copy": "Call {n} of 12: the copy's [{i}, {j}] {sign} h. net.params[\"W1\"] has not changed, "
                    "so the loss is the same as before any nudge: {loss}.",
        "say_restore": "After this call, grad[{i}, {j}] gets {grad}, and then element [{i}, {j}] is put back.",
        "say_start": "Back to the start. No call yet.",
        "say_end": "numerical_gradient has returned. W1 holds its original values again, and the gradient is complete.",
        "say_end_copy": "numerical_gradient has returned. net.params[\"W1\"] never changed, "
                        "and the gradient is all zeros.",
        "say_mode_same": "Passing net.params[\"W1\"] itself.",
        "say_mode_copy": "Passing a copy of net.params[\"W1\"].",
    },
}


def _grid(a: np.ndarray) -> list[list[str]]:
    return [[repr(float(v)) for v in row] for row in a]


def _run(copy: bool) -> dict[str, Any]:
    net = TwoLayerNet(input_size=3, hidden_size=2, output_size=2, rng=0)
    x, t = np.array(X), np.array(T)
    start = net.params["W1"].copy()
    passed = net.params["W1"].copy() if copy else net.params["W1"]
    steps: list[dict[str, Any]] = []

    def spy(W: np.ndarray) -> float:
        ((i, j),) = np.argwhere(start != W)  # the one element numerical_gradient has nudged
        loss = net.loss(x, t)
        steps.append({
            "index": [int(i), int(j)], "sign": "+" if W[i, j] > start[i, j] else "-",
            "w": _grid(net.params["W1"]), "copy": _grid(W) if copy else None, "loss": repr(loss),
        })
        return loss

    result = _grid(numerical_gradient(spy, passed))
    end = {"w": _grid(net.params["W1"]), "copy": _grid(passed) if copy else None, "grad": result}
    # numerical_gradient fills an element's gradient right after its second call (-h)
    # and never touches it again: the gradient so far is the result, where filled.
    filled: set[tuple[int, int]] = set()
    for step in steps:
        if step["sign"] == "-":
            filled.add(tuple(step["index"]))
        step["grad"] = [[v if (i, j) in filled else "" for j, v in enumerate(row)] for i, row in enumerate(result)]
    return {"start": _grid(start), "steps": steps, "end": end, "result": result}


def record() -> dict[str, Any]:
    """Both runs of the home page's example: the array itself, and a copy."""
    net = TwoLayerNet(input_size=3, hidden_size=2, output_size=2, rng=0)
    base = net.loss(np.array(X), np.array(T))
    return {"h": 1e-4, "base_loss": repr(base), "same": _run(copy=False), "copy": _run(copy=True)}


def render(lang: str, run: dict[str, Any] | None = None) -> str:
    """The widget for a page in `lang`: controls, grids, the record, and the table for no JavaScript."""
    run = run or record()
    t = LABELS[lang]
    e = html.escape
    same = run["same"]

    def grid(attr: str, label: str, values: list[list[str]], extra: str = "") -> str:
        rows = "".join(
            "<tr>" + "".join(f'<td {attr}="{i},{j}" data-value="{e(v)}">{e(_shown(v))}</td>' for j, v in enumerate(row))
            + "</tr>"
            for i, row in enumerate(values)
        )
        return (f'<div class="stepper__grid"{extra}><p class="stepper__label">{e(label)}</p>'
                f'<table class="stepper__cells"><tbody>{rows}</tbody></table></div>')

    empty = [["" for _ in row] for row in same["start"]]
    field = '<div class="stepper__field"><dt>{label}</dt><dd data-field="{name}" data-value="">{text}</dd></div>'
    fields = "".join([
        field.format(label=e(t["call"]), name="call", text="0" + e(t["of"])).replace(" data-value=\"\"", "", 1),
        field.format(label=e(t["index"]), name="index", text="–"),
        field.format(label=e(t["sign"]), name="sign", text="–"),
        field.format(label=e(t["loss"]), name="loss", text="–"),
        field.format(label=e(t["delta"]), name="delta", text="–"),
    ])
    buttons = "".join(
        f'<button type="button" class="md-button" data-action="{a}">{e(t[a])}</button>'
        for a in ("prev", "next", "play", "reset")
    ) + f'<button type="button" class="md-button" data-action="copy" aria-pressed="false">{e(t["copy"])}</button>'
    ui = (
        f'<div class="stepper__ui">'
        f'<div class="stepper__controls" role="group" aria-label="{e(t["title"])}">{buttons}</div>'
        f'<dl class="stepper__fields">{fields}</dl>'
        f'<div class="stepper__grids">'
        + grid("data-w", t["w"], same["start"], ' data-role="w"')
        + grid("data-copy", t["copy_grid"], same["start"], ' data-role="copy" hidden')
        + grid("data-grad", t["grad"], empty, ' data-role="grad"')
        + f'</div><p class="stepper__status" aria-live="polite">{e(t["none"])}</p></div>'
    )
    def table(mode: str, caption: str, value_column: str) -> str:
        rows = "".join(
            f'<tr><td>{n}</td><td>[{i}, {j}]</td><td>{s["sign"]}h</td>'
            f'<td>{e(_shown((s["copy"] if mode == "copy" else s["w"])[i][j]))}</td><td>{e(s["loss"])}</td>'
            f'<td>{e(_exponential(float(s["loss"]) - float(run["base_loss"])))}</td>'
            f'<td>{e(_shown(s["grad"][i][j]) or "–")}</td></tr>'
            for n, s in enumerate(run[mode]["steps"], start=1)
            for i, j in [s["index"]]
        )
        columns = ("col_call", "col_index", "col_sign", value_column, "col_loss", "delta", "col_grad")
        head = "".join(f"<th>{e(t[c])}</th>" for c in columns)
        return (f'<table class="stepper__table" data-mode="{mode}"><caption>{e(caption)}</caption>'
                f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")

    tables = (table("same", t["table_caption"].format(base=run["base_loss"]), "col_w")
              + table("copy", t["table_caption_copy"], "col_w_copy"))
    data = json.dumps({**run, "labels": t}, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return (f'<div class="stepper" role="region" data-stepper="numerical-gradient" data-step="0" data-mode="same" '
            f'aria-label="{e(t["title"])}">{ui}'
            f'<div class="stepper__fallback">{tables}</div>'
            f'<script type="application/json" class="stepper__data">{data}</script></div>')


def _exponential(value: float) -> str:
    """A number as the widget's script writes it (JavaScript's toExponential(2)): 8.95e-8, or 0."""
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{mantissa}e{int(exponent):+d}"


def _shown(value: str) -> str:
    """A value as the widget shows it: six decimals, as the page prints the gradient."""
    return f"{float(value):.6f}" if value else ""
