"""The addition network: a toy that makes the 4.5.1 puzzle visible.

The idea comes from a reader's blog post (経理と機械学習, 2021): shrink the network
until the loss is a sum you can do in your head, then watch what the lambda returns.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import cast

import numpy as np
from numpy.typing import NDArray


class AdditionNet:
    """A "network" whose only parameter is a 1x1 array `w`.

    `predict(x) = x + w` and `loss(x, t) = predict(x) + t`, so with `w = 100`,
    `x = 2` and `t = 5` the loss is 107, and it changes by exactly one when `w`
    does.

    Args:
        w: The starting weight. An integer by default, so that the printed loss
            is an integer too.

    Raises:
        TypeError: If `w` is not a real number (nor are `x` and `t` later).

    Examples:
        >>> net = AdditionNet()
        >>> net.params["w"]
        array([[100]])
        >>> net.loss(2, 5)
        107
        >>> net
        AdditionNet(w=100)
    """

    def __init__(self, w: int | float = 100) -> None:
        self.params: dict[str, NDArray[np.number]] = {"w": np.array([[_real("w", w)]])}

    def __repr__(self) -> str:
        """`AdditionNet(w=...)` with the weight as `params["w"]` holds it now."""
        w = self.params.get("w")
        value = w.item() if isinstance(w, np.ndarray) and w.size == 1 else w
        return f"{type(self).__name__}(w={value!r})"

    def predict(self, x: int | float) -> NDArray[np.number]:
        """Return `x + w`, reading `self.params["w"]` at call time.

        Raises:
            TypeError: If `x` is not a real number.
        """
        return _real("x", x) + self.params["w"]

    def loss(self, x: int | float, t: int | float) -> int | float:
        """Return `predict(x) + t` as a plain Python number.

        Raises:
            TypeError: If `x` or `t` is not a real number.
        """
        # A real weight plus real numbers: .item() gives an int or a float, never a complex.
        return cast("int | float", (self.predict(x) + _real("t", t)).item())

    def loss_W(self, x: int | float, t: int | float) -> Callable[[object], int | float]:
        """Build the same kind of lambda as the book's 4.5.1: `lambda W: self.loss(x, t)`.

        The returned function ignores its argument. What it returns depends only
        on what `self.params["w"]` holds at the moment it is called.
        """
        return lambda W: self.loss(x, t)


def _real(name: str, value: object) -> int | float:
    """`value` itself, if it is one real number; the network adds numbers, not arrays."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        shape = f" of shape {np.shape(value)}" if isinstance(value, (np.ndarray, list, tuple)) else ""
        raise TypeError(
            f"{name} must be a real number, got {type(value).__name__}{shape}: the addition "
            "network adds single numbers to its 1x1 weight"
        )
    return value  # type: ignore[return-value]  # a numbers.Real: int, float or a NumPy real
