"""The home page's example run again, with a spy of the tests' own, to hold the stepper to.

overrides/stepper.py records the run the site shows; this records it independently:
each call's element and step found with np.nonzero, each gradient element computed
from the two losses of its pair as numerical_gradient divides them, and the result
compared with what numerical_gradient returns. A drift in the package, the hook or
the page's numbers shows as a difference between the two records.
"""

from __future__ import annotations

import numpy as np

from lambda_puzzle import TwoLayerNet, numerical_gradient

# The home page's input data and labels; test_stepper.py holds them equal to the page's block.
X = [[1.0, 0.5, -2.0]]
T = [1]


def record_again() -> dict:
    out: dict = {}
    for mode in ("same", "copy"):
        net = TwoLayerNet(input_size=3, hidden_size=2, output_size=2, rng=0)
        x, t = np.array(X), np.array(T)
        before = net.params["W1"].copy()
        handed = net.params["W1"].copy() if mode == "copy" else net.params["W1"]
        calls: list[dict] = []

        def spy(W, net=net, x=x, t=t, before=before, calls=calls, mode=mode):
            rows, cols = np.nonzero(W - before)
            assert len(rows) == 1, "numerical_gradient nudged more than one element"
            i, j = int(rows[0]), int(cols[0])
            loss = net.loss(x, t)
            calls.append({"index": [i, j], "sign": "+" if W[i, j] - before[i, j] > 0 else "-",
                          "stored": float(W[i, j]), "loss": loss, "w": net.params["W1"].tolist(),
                          "copy": W.tolist() if mode == "copy" else None})
            return loss

        result = numerical_gradient(spy, handed)
        grad = [["" for _ in row] for row in before.tolist()]
        steps = []
        for n, call in enumerate(calls):
            if call["sign"] == "-":
                up = calls[n - 1]
                i, j = call["index"]
                grad[i][j] = repr((up["loss"] - call["loss"]) / (up["stored"] - call["stored"]))
            steps.append({
                "index": call["index"], "sign": call["sign"], "loss": repr(call["loss"]),
                "w": [[repr(v) for v in row] for row in call["w"]],
                "copy": None if call["copy"] is None else [[repr(v) for v in row] for row in call["copy"]],
                "grad": [row[:] for row in grad],
            })
        result_grid = [[repr(float(v)) for v in row] for row in result]
        out[mode] = {"start": [[repr(v) for v in row] for row in before.tolist()], "steps": steps,
                     "end": {"w": [[repr(v) for v in row] for row in net.params["W1"].tolist()],
                             "copy": [[repr(v) for v in row] for row in handed.tolist()] if mode == "copy" else None,
                             "grad": result_grid},
                     "result": result_grid}
        assert [[s for s in row] for row in grad] == out[mode]["result"], "the pairs do not give the result"
    net = TwoLayerNet(input_size=3, hidden_size=2, output_size=2, rng=0)
    out["base_loss"] = repr(net.loss(np.array(X), np.array(T)))
    return out
