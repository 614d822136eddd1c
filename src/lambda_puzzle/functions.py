"""Activation and loss functions used by the networks.

They follow the book's definitions closely so that the numbers on the site agree
with the numbers a reader gets from the book's own code.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

# The book adds this to every probability before taking the log, so that
# log(0) never happens. Keeping the same constant keeps our losses equal to its.
LOG_GUARD = 1e-7


def sigmoid(x: ArrayLike) -> NDArray[np.floating]:
    """Apply the logistic sigmoid element by element.

    Args:
        x: Any array-like of real numbers.

    Returns:
        An array shaped like `x` with every value in the open interval (0, 1).

    Examples:
        >>> sigmoid([0.0, 2.0]).round(4)
        array([0.5   , 0.8808])
    """
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def sigmoid_grad(x: ArrayLike) -> NDArray[np.floating]:
    """Derivative of `sigmoid`, evaluated at `x` (the pre-activation).

    Args:
        x: Any array-like of real numbers.

    Returns:
        `sigmoid(x) * (1 - sigmoid(x))`, shaped like `x`.
    """
    s = sigmoid(x)
    return s * (1.0 - s)


def softmax(x: ArrayLike) -> NDArray[np.floating]:
    """Turn scores into probabilities along the last axis.

    The largest score is subtracted first: softmax does not change when the same
    number is added to every score, and `exp` of a large score would overflow.

    Args:
        x: Scores, either one vector (1-D) or a batch with one row per sample (2-D).

    Returns:
        An array shaped like `x` whose last axis sums to 1.

    Examples:
        >>> softmax([1000.0, 1000.0])
        array([0.5, 0.5])
    """
    x = np.asarray(x, dtype=float)
    shifted = x - x.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy_error(y: ArrayLike, t: ArrayLike) -> float:
    """Mean cross-entropy of predicted probabilities `y` against targets `t`.

    Args:
        y: Probabilities, one vector or a batch (one row per sample).
        t: Targets, either one-hot (same shape as `y`) or class labels
            (one integer per sample).

    Returns:
        `-sum(log(y[label] + 1e-7)) / batch_size`, as a Python float.

    Raises:
        ValueError: If the shapes of `y` and `t` do not fit together.

    Examples:
        >>> round(cross_entropy_error([0.1, 0.7, 0.2], [0, 1, 0]), 4)
        0.3567
        >>> round(cross_entropy_error([0.1, 0.7, 0.2], 1), 4)
        0.3567
    """
    y = np.asarray(y, dtype=float)
    t = np.asarray(t)
    if y.ndim == 1:
        # A single sample is a batch of one.
        y = y.reshape(1, -1)
        t = t.reshape(1, -1) if t.size == y.size else t.reshape(1)
    if y.ndim != 2:
        raise ValueError(f"y must be 1-D or 2-D, got shape {y.shape}")
    if t.shape == y.shape:
        t = t.argmax(axis=1)  # one-hot rows to labels
    elif t.shape != (y.shape[0],):
        raise ValueError(
            f"t must be one-hot with shape {y.shape} or labels with shape "
            f"({y.shape[0]},), got shape {t.shape}"
        )
    labels = t.astype(int)
    if labels.size and (labels.min() < 0 or labels.max() >= y.shape[1]):
        raise ValueError(f"labels must be in 0..{y.shape[1] - 1}, got {t.tolist()}")
    batch_size = y.shape[0]
    picked = y[np.arange(batch_size), labels]
    return float(-np.sum(np.log(picked + LOG_GUARD)) / batch_size)
