"""The numerical gradient: the function the whole puzzle turns on."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

DEFAULT_H = 1e-4


def numerical_gradient(
    f: Callable[[NDArray[np.floating]], Any],
    x: NDArray[np.floating],
    h: float = DEFAULT_H,
) -> NDArray[np.floating]:
    """Estimate the gradient of `f` at `x` by central differences.

    For every element, in turn, the element is set to `x + h`, then `x - h`,
    `f(x)` is called each time, and the element is put back. This happens
    **in place**: `x` itself is changed while `f` runs and is never copied. That
    is what lets `f` ignore its argument, as `lambda W: self.loss(x, t)` does:
    the loss reads the very array that is being perturbed.

    Unlike the book's version, this one puts every element back bit for bit even
    when `f` raises, and it refuses arrays it cannot perturb correctly instead of
    returning a wrong answer.

    Args:
        f: A function of `x` returning a real scalar. It may ignore its argument
            and read the same array by another name.
        x: A writable NumPy array of a floating dtype, of any shape.
        h: The step, a positive finite number.

    Returns:
        An array shaped like `x`, of its dtype, holding `df/dx` element by element.

    Raises:
        TypeError: If `f` is not callable, `x` is not a NumPy array, `x` has a
            non-floating dtype (an integer array would silently truncate `x + h`),
            or `f` returns something that is not a real scalar.
        ValueError: If `x` is read-only or `h` is not a positive finite number.

    Examples:
        >>> import numpy as np
        >>> x = np.array([3.0, 4.0])
        >>> numerical_gradient(lambda v: np.sum(v**2), x).round(6)
        array([6., 8.])
        >>> x
        array([3., 4.])
    """
    _check_arguments(f, x, h)
    grad = np.zeros(x.shape, dtype=x.dtype)
    for idx in np.ndindex(x.shape):
        original = x[idx].copy()  # a NumPy scalar: restoring it is exact to the bit
        try:
            x[idx] = original + h
            f_plus = _scalar(f(x))
            x[idx] = original - h
            f_minus = _scalar(f(x))
        finally:
            x[idx] = original
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def _check_arguments(f: Any, x: Any, h: Any) -> None:
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    if not isinstance(x, np.ndarray):
        raise TypeError(
            "x must be a numpy.ndarray, because it is perturbed in place and f must "
            f"see the change; got {type(x).__name__}. Create the array once "
            "(np.array(..., dtype=float)) and pass that same object."
        )
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"x must have a floating dtype, got {x.dtype}: x + h would be truncated "
            "when stored back into the array, and the gradient would be wrong. "
            "Convert it once, e.g. params['W'] = params['W'].astype(float), and "
            "differentiate the new array."
        )
    if not x.flags.writeable:
        raise ValueError("x is read-only, but it must be perturbed in place")
    if isinstance(h, bool) or not isinstance(h, (int, float, np.floating, np.integer)):
        raise TypeError(f"h must be a real number, got {type(h).__name__}")
    if not (math.isfinite(h) and h > 0):
        raise ValueError(f"h must be a positive finite number, got {h}")


def _scalar(value: Any) -> Any:
    kind = np.asarray(value).dtype.kind
    if np.ndim(value) != 0:
        raise TypeError(
            f"f must return a scalar, got an array of shape {np.shape(value)}"
        )
    if kind not in "iuf":
        raise TypeError(f"f must return a real number, got {value!r}")
    return value
