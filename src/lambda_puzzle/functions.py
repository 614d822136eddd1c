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


def sigmoid(x: ArrayLike) -> NDArray[np.float64]:
    """Apply the logistic sigmoid element by element.

    Args:
        x: Any array-like of real numbers.

    Returns:
        An array shaped like `x` with every value in the open interval (0, 1).

    Examples:
        >>> sigmoid([0.0, 2.0]).round(4)
        array([0.5   , 0.8808])
    """
    s: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))
    return s


def sigmoid_grad(x: ArrayLike) -> NDArray[np.float64]:
    """Derivative of `sigmoid`, evaluated at `x` (the pre-activation).

    Args:
        x: Any array-like of real numbers.

    Returns:
        `sigmoid(x) * (1 - sigmoid(x))`, shaped like `x`.
    """
    s = sigmoid(x)
    return s * (1.0 - s)


def softmax(x: ArrayLike) -> NDArray[np.float64]:
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
    a = np.asarray(x, dtype=np.float64)
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    p: NDArray[np.float64] = e / e.sum(axis=-1, keepdims=True)
    return p


def cross_entropy_error(y: ArrayLike, t: ArrayLike) -> float:
    """Mean cross-entropy of predicted probabilities `y` against targets `t`.

    Args:
        y: Probabilities, one vector or a batch (one row per sample).
        t: The right classes: one integer label per sample, or exactly one-hot
            rows shaped like `y`. For a single sample, a plain label or one
            one-hot vector. Soft targets (rows such as ``[0.3, 0.7]``) are
            refused: like the book's, this loss takes the class of the 1.

    Returns:
        `-sum(log(y[label] + 1e-7)) / batch_size`, as a Python float.

    Raises:
        ValueError: If `y` is not 1-D or 2-D, or `t` is not a valid set of labels
            for it (a column, a negative or fractional label, a soft row); the
            message names the bad value.
        TypeError: If `t` does not hold numbers.

    Examples:
        >>> round(cross_entropy_error([0.1, 0.7, 0.2], [0, 1, 0]), 4)
        0.3567
        >>> round(cross_entropy_error([0.1, 0.7, 0.2], 1), 4)
        0.3567
    """
    y = np.asarray(y, dtype=float)
    if y.ndim == 1:
        y = y.reshape(1, -1)  # a single sample is a batch of one
    if y.ndim != 2:
        raise ValueError(f"y must be 1-D or 2-D, got shape {y.shape}")
    batch_size, n_classes = y.shape
    labels = _as_labels(t, batch_size, n_classes)
    picked = y[np.arange(batch_size), labels]
    return float(-np.sum(np.log(picked + LOG_GUARD)) / batch_size)


def _as_batch(x: ArrayLike, width: int) -> NDArray[np.float64]:
    """Inputs as a float batch of shape (batch, width); one 1-D sample becomes a batch of one.

    Raises:
        TypeError: If `x` does not hold numbers.
        ValueError: If `x` does not hold `width` values per sample.
    """
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"x must hold real numbers, got dtype {x.dtype}")
    if x.ndim not in (1, 2) or x.shape[-1] != width:
        raise ValueError(
            f"x must hold {width} inputs per sample (shape (batch, {width}) "
            f"or ({width},)), got shape {x.shape}"
        )
    # asarray, not astype: no copy of a batch that is already float64 (astype copies
    # always, and predict runs once per loss call: 79,520 times per gradient).
    return np.asarray(x, dtype=np.float64).reshape(-1, width)


def _as_labels(t: ArrayLike, batch_size: int, n_classes: int) -> NDArray[np.intp]:
    """One class index per sample, in 0..n_classes-1, from labels or exactly one-hot rows.

    Accepted: integer labels of shape (batch_size,) (whole-valued floats too);
    one-hot rows of shape (batch_size, n_classes), each all zeros but one 1; and
    for a batch of one, a plain label or a single one-hot vector. Anything else
    raises, naming the bad value, instead of being read as some class: a column
    of labels, a negative label, 1.7, or a soft target row such as [0.3, 0.7].

    Raises:
        TypeError: If `t` does not hold numbers.
        ValueError: If `t` has another shape, or a value that is not a class.
    """
    t = np.asarray(t)
    if t.dtype.kind not in "biuf":
        raise TypeError(f"t must hold class labels or one-hot rows, got dtype {t.dtype}")
    if batch_size == 1 and n_classes > 1 and t.shape == (n_classes,):
        t = t.reshape(1, n_classes)  # one sample's one-hot vector
    if t.shape == (batch_size, n_classes) and n_classes > 1:
        labels: NDArray[np.intp] = t.argmax(axis=1)
        # Exactly one-hot, in two cheap passes (the loss runs this on every call): a 1
        # where each row is largest, and no other non-zero entry in the whole batch.
        if np.count_nonzero(t) == batch_size and (t[np.arange(batch_size), labels] == 1).all():
            return labels
        ones = t == 1
        bad_rows = ~(((t == 0) | ones).all(axis=1) & (ones.sum(axis=1) == 1))
        row = int(np.argmax(bad_rows))  # the first row that is not one-hot: there is one
        raise ValueError(
            f"t has the shape of one-hot rows, {t.shape}, but row {row} is {t[row].tolist()}: "
            "each row must be all zeros but one 1 (soft targets are not supported)"
        )
    if t.ndim == 0 and batch_size == 1:
        t = t.reshape(1)
    if t.shape != (batch_size,):
        raise ValueError(
            f"t must be one label per sample, shape ({batch_size},), or one-hot rows, "
            f"shape ({batch_size}, {n_classes}); got shape {t.shape}"
        )
    if t.dtype.kind == "b":
        raise ValueError(f"labels must be class numbers, got booleans {t.tolist()}")
    whole = np.isfinite(t) & (t == np.round(t)) if t.dtype.kind == "f" else np.ones(t.shape, bool)
    in_range = whole & (t >= 0) & (t < n_classes)
    if not in_range.all():
        bad = t[~in_range][0].item()
        raise ValueError(f"labels must be whole numbers in 0..{n_classes - 1}, got {bad!r} in {t.tolist()}")
    return t.astype(np.intp)
