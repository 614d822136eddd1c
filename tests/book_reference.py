"""The book's algorithm, rewritten from its description, as the yardstick of `make bench`.

Not the book's files (they are not ours to copy): the same steps, written here from
../shared/reference/facts.md. `numerical_gradient` walks the array with
`np.nditer(..., flags=['multi_index'])`, writes `x + h` and `x - h` in place, calls
`f(x)` after each, and restores the element; no checks, no try/finally. The network
is affine -> sigmoid -> affine -> softmax with the book's cross-entropy, which turns
one-hot rows into labels with `argmax`. `lambda_puzzle` must cost no more than this
(at most 1.05 times at the book's size, 1.2 times with a cheap `f`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        idx = it.multi_index
        saved = x[idx]
        x[idx] = saved + h
        above = f(x)
        x[idx] = saved - h
        below = f(x)
        grad[idx] = (above - below) / (2 * h)
        x[idx] = saved
        it.iternext()
    return grad


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-a))


def _softmax(a: np.ndarray) -> np.ndarray:
    a = a - np.max(a, axis=-1, keepdims=True)
    return np.exp(a) / np.sum(np.exp(a), axis=-1, keepdims=True)


def _cross_entropy(y: np.ndarray, t: np.ndarray) -> float:
    if y.ndim == 1:
        y, t = y.reshape(1, y.size), t.reshape(1, t.size)
    if t.size == y.size:  # one-hot rows: the class of the largest entry
        t = t.argmax(axis=1)
    batch = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch), t] + 1e-7)) / batch


class TwoLayerNet:
    def __init__(self, input_size: int, hidden_size: int, output_size: int, weight_init_std: float = 0.01,
                 rng: int = 0) -> None:
        draw = np.random.default_rng(rng)
        self.params = {
            "W1": weight_init_std * draw.standard_normal((input_size, hidden_size)),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * draw.standard_normal((hidden_size, output_size)),
            "b2": np.zeros(output_size),
        }

    def predict(self, x: np.ndarray) -> np.ndarray:
        p = self.params
        z1 = _sigmoid(np.dot(x, p["W1"]) + p["b1"])
        return _softmax(np.dot(z1, p["W2"]) + p["b2"])

    def loss(self, x: np.ndarray, t: np.ndarray) -> float:
        return _cross_entropy(self.predict(x), t)

    def numerical_gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        loss_W = lambda W: self.loss(x, t)  # the book's line
        return {key: numerical_gradient(loss_W, self.params[key]) for key in ("W1", "b1", "W2", "b2")}
