"""The numerical gradient: the function the whole puzzle turns on."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

DEFAULT_H = 1e-4


def numerical_gradient(
    f: Callable[[NDArray[np.floating]], Any],
    x: NDArray[np.floating],
    h: float = DEFAULT_H,
    *,
    name: str = "x",
) -> NDArray[np.floating]:
    """Estimate the gradient of `f` at `x` by central differences.

    For every element, in turn, the element is set to `x + h`, then `x - h`,
    `f(x)` is called each time, and the element is put back. This happens
    **in place**: `x` itself is changed while `f` runs and is never copied. That
    is what lets `f` ignore its argument, as `lambda W: self.loss(x, t)` does:
    the loss reads the very array that is being perturbed.

    Unlike the book's version, this one never returns a wrong number silently:

    * It puts every element back bit for bit, even when `f` raises.
    * It refuses arrays it cannot perturb correctly (integers would truncate
      `x + h`) and elements where the step vanishes: where `x + h` or `x - h`,
      stored in `x`'s dtype, equals `x` (float16 at 1.0, float64 at 1e13), the
      book's function silently returns 0 there.
    * It divides by the stored difference, `(x + h) - (x - h)` after rounding
      to `x`'s dtype, rather than by `2 * h`. In float64 the two agree to about
      1e-13 (relative) for elements of magnitude at most 1, and 3e-11 at 100; in
      float16 they can differ by a fifth.

    Args:
        f: A function of `x` returning a real scalar. It may ignore its argument
            and read the same array by another name.
        x: A writable NumPy array of a floating dtype, of any shape.
        h: The step, a positive finite real number.
        name: What to call `x` in error messages, such as ``params['W1']``.

    Returns:
        An array shaped like `x`, of its dtype, holding `df/dx` element by element.

    Raises:
        TypeError: If `f` is not callable, `x` is not a NumPy array, `x` has a
            non-floating dtype, `h` is not a real number, or `f` returns
            something that is not a real scalar.
        ValueError: If `x` is read-only, `h` is not positive and finite, or the
            step vanishes at some element of `x`. Nothing of `x` has changed then.

    Examples:
        >>> import numpy as np
        >>> x = np.array([3.0, 4.0])
        >>> numerical_gradient(lambda v: np.sum(v**2), x).round(6)
        array([6., 8.])
        >>> x
        array([3., 4.])
    """
    _check_arguments(f, x, h, name)
    _check_step(x, h, name)
    grad = np.zeros(x.shape, dtype=x.dtype)
    for idx in np.ndindex(x.shape):
        original = x[idx]  # a NumPy scalar: putting it back is exact to the bit
        try:
            x[idx] = original + h
            plus = float(x[idx])  # x + h as stored in x's dtype
            f_plus = _real_scalar(f(x))
            x[idx] = original - h
            minus = float(x[idx])
            f_minus = _real_scalar(f(x))
        finally:
            x[idx] = original
        grad[idx] = (f_plus - f_minus) / (plus - minus)
    return grad


def _check_arguments(f: Any, x: Any, h: Any, name: str) -> None:
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"{name} must be a numpy.ndarray, because it is perturbed in place and f must "
            f"see the change; got {type(x).__name__}. Create the array once "
            "(np.array(..., dtype=float)) and pass that same object."
        )
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"{name} must have a floating dtype, got {x.dtype}: x + h would be truncated "
            "when stored back into the array, and the gradient would be wrong. "
            "Create the parameter as float from the start (np.array(..., dtype=float)): "
            "converting it later makes a new array, which layers built on the old one "
            "(the book's chapter 5) would never see."
        )
    if not x.flags.writeable:
        raise ValueError(f"{name} is read-only, but it must be perturbed in place")
    if isinstance(h, bool) or not isinstance(h, numbers.Real):
        raise TypeError(f"h must be a real number, got {type(h).__name__}")
    if not (math.isfinite(h) and float(h) > 0):
        raise ValueError(f"h must be a positive finite number, got {h}")


def _check_step(x: np.ndarray, h: float, name: str) -> None:
    """Refuse, before anything is perturbed, when x + h or x - h rounds back to x."""
    with np.errstate(over="ignore", invalid="ignore"):
        vanishes = (x + h).astype(x.dtype) == x
        vanishes |= (x - h).astype(x.dtype) == x
    if vanishes.any():
        idx = tuple(int(i) for i in np.argwhere(vanishes)[0])
        where = f"{name}[{', '.join(map(str, idx))}]" if idx else name
        raise ValueError(
            f"the step h={h:g} vanishes at {where} = {x[idx].item()!r}: in {x.dtype}, x + h or "
            f"x - h rounds back to x there ({int(vanishes.sum())} of {x.size} elements), "
            "so the difference would be 0. Use a larger h, or float64 and values of "
            "moderate size."
        )


def _real_scalar(value: Any) -> float:
    """What f returned, as a Python float: an unsigned result must not wrap around."""
    if isinstance(value, float):  # Python's float and NumPy's float64: the usual case
        return float(value)
    if np.ndim(value) != 0:
        raise TypeError(f"f must return a scalar, got an array of shape {np.shape(value)}")
    if np.asarray(value).dtype.kind not in "iuf":
        raise TypeError(f"f must return a real number, got {value!r}")
    return float(value)
