"""A two-layer network with the API of the book's section 4.5.1."""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike, NDArray

from lambda_puzzle.functions import cross_entropy_error, sigmoid, sigmoid_grad, softmax
from lambda_puzzle.gradient import numerical_gradient

PARAM_NAMES = ("W1", "b1", "W2", "b2")


class TwoLayerNet:
    """Affine -> sigmoid -> affine -> softmax, with parameters in `self.params`.

    The method names and the `params` keys are the book's, so that each line of
    its code has a counterpart here.

    Args:
        input_size: Number of inputs (784 for MNIST).
        hidden_size: Number of hidden units.
        output_size: Number of classes.
        weight_init_std: Standard deviation of the initial weights.
        rng: A seed or a `numpy.random.Generator`, so that a network can be
            rebuilt with the same weights.

    Raises:
        ValueError: If a size is not a positive integer or `weight_init_std` is negative.

    Examples:
        >>> net = TwoLayerNet(input_size=3, hidden_size=4, output_size=2, rng=0)
        >>> {name: p.shape for name, p in net.params.items()}
        {'W1': (3, 4), 'b1': (4,), 'W2': (4, 2), 'b2': (2,)}
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        output_size: int,
        weight_init_std: float = 0.01,
        rng: int | np.random.Generator | None = None,
    ) -> None:
        for name, size in (
            ("input_size", input_size),
            ("hidden_size", hidden_size),
            ("output_size", output_size),
        ):
            if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
                raise ValueError(f"{name} must be a positive integer, got {size!r}")
        if not weight_init_std >= 0:
            raise ValueError(f"weight_init_std must be >= 0, got {weight_init_std!r}")
        rng = np.random.default_rng(rng)
        self.params: dict[str, NDArray[np.float64]] = {
            "W1": weight_init_std * rng.standard_normal((input_size, hidden_size)),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * rng.standard_normal((hidden_size, output_size)),
            "b2": np.zeros(output_size),
        }

    def predict(self, x: ArrayLike) -> NDArray[np.float64]:
        """Class probabilities for the inputs `x` (one row per sample).

        Every call reads `self.params` afresh, which is why a perturbation made
        in place by `numerical_gradient` shows up in the result.

        Raises:
            ValueError: If `x` does not hold `input_size` values per sample.
        """
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        x = _inputs(x, W1.shape[0])
        a1 = np.dot(x, W1) + b1
        z1 = sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        return softmax(a2)

    def loss(self, x: ArrayLike, t: ArrayLike) -> float:
        """Cross-entropy of `predict(x)` against targets `t` (one-hot or labels)."""
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x: ArrayLike, t: ArrayLike) -> float:
        """Fraction of samples whose most probable class is the target."""
        y = np.argmax(self.predict(x), axis=1)
        labels = _labels(t, y.shape[0])
        return float(np.mean(y == labels))

    def numerical_gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, NDArray[np.float64]]:
        """Gradient of the loss for every parameter, by central differences.

        `loss_W` never uses `W`. It still works because `numerical_gradient`
        perturbs `self.params[key]` itself, in place, and `self.loss` reads
        `self.params` each time it is called.
        """
        loss_W = lambda W: self.loss(x, t)  # W is a dummy: see the docstring

        grads = {}
        for key in PARAM_NAMES:
            grads[key] = numerical_gradient(loss_W, self.params[key])
        return grads

    def gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, NDArray[np.float64]]:
        """The same gradient as `numerical_gradient`, by backpropagation."""
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        x = _inputs(x, W1.shape[0]).reshape(-1, W1.shape[0])
        batch_size = x.shape[0]

        a1 = x @ W1 + b1
        z1 = sigmoid(a1)
        a2 = z1 @ W2 + b2
        y = softmax(a2)

        # Softmax followed by cross-entropy has the simple derivative y - t.
        dy = (y - _one_hot(t, y.shape)) / batch_size
        da1 = (dy @ W2.T) * sigmoid_grad(a1)
        return {
            "W1": x.T @ da1,
            "b1": da1.sum(axis=0),
            "W2": z1.T @ dy,
            "b2": dy.sum(axis=0),
        }


def _inputs(x: ArrayLike, input_size: int) -> NDArray[np.float64]:
    x = np.asarray(x, dtype=float)
    if x.ndim not in (1, 2) or x.shape[-1] != input_size:
        raise ValueError(
            f"x must hold {input_size} inputs per sample (shape (batch, {input_size}) "
            f"or ({input_size},)), got shape {x.shape}"
        )
    return x


def _labels(t: ArrayLike, batch_size: int) -> NDArray[np.intp]:
    t = np.asarray(t)
    return t.argmax(axis=1) if t.ndim == 2 else t.reshape(batch_size)


def _one_hot(t: ArrayLike, shape: tuple[int, ...]) -> NDArray[np.float64]:
    t = np.asarray(t)
    if t.shape == shape:
        return t.astype(float)
    one_hot = np.zeros(shape)
    one_hot[np.arange(shape[0]), _labels(t, shape[0])] = 1.0
    return one_hot
