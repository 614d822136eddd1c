"""A two-layer network with the API of the book's section 4.5.1."""

from __future__ import annotations

import math
import numbers

import numpy as np
from numpy.typing import ArrayLike, NDArray

from lambda_puzzle.functions import _as_batch, _as_labels, cross_entropy_error, sigmoid, sigmoid_grad, softmax
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
        >>> net
        <TwoLayerNet 3-4-2: W1 (3, 4), b1 (4,), W2 (4, 2), b2 (2,), float64>
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
        if (
            isinstance(weight_init_std, bool)
            or not isinstance(weight_init_std, numbers.Real)
            or not (math.isfinite(weight_init_std) and weight_init_std >= 0)
        ):
            raise ValueError(f"weight_init_std must be a finite real number >= 0, got {weight_init_std!r}")
        rng = np.random.default_rng(rng)
        self.params: dict[str, NDArray[np.float64]] = {
            "W1": weight_init_std * rng.standard_normal((input_size, hidden_size)),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * rng.standard_normal((hidden_size, output_size)),
            "b2": np.zeros(output_size),
        }

    def __repr__(self) -> str:
        """The layer sizes and each parameter's shape, read from `params` as it is now."""
        shapes = {key: getattr(p, "shape", None) for key, p in self.params.items()}
        W1, W2 = shapes.get("W1"), shapes.get("W2")
        sizes = f" {W1[0]}-{W1[1]}-{W2[1]}" if W1 and W2 and len(W1) == len(W2) == 2 else ""
        parts = [f"{key} {type(p).__name__ if shapes[key] is None else shapes[key]}" for key, p in self.params.items()]
        parts += sorted({str(p.dtype) for p in self.params.values() if isinstance(p, np.ndarray)})
        return f"<TwoLayerNet{sizes}: {', '.join(parts) or 'no params'}>"

    def predict(self, x: ArrayLike) -> NDArray[np.float64]:
        """Class probabilities for the inputs `x`: one row per sample, or one vector for one sample.

        Every call reads `self.params` afresh, which is why a perturbation made
        in place by `numerical_gradient` shows up in the result.

        Raises:
            ValueError: If `x` does not hold `input_size` values per sample.
            TypeError: If `x` does not hold numbers.
        """
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        batch = _as_batch(x, W1.shape[0])
        a1 = np.dot(batch, W1) + b1
        z1 = sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        y = softmax(a2)
        return y[0] if np.ndim(x) == 1 else y

    def loss(self, x: ArrayLike, t: ArrayLike) -> float:
        """Cross-entropy of `predict(x)` against `t`.

        `t` holds one class label per sample, or exactly one-hot rows. Soft
        targets are refused, as in `cross_entropy_error`: backprop's `y - t` and
        the loss would disagree about them.
        """
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x: ArrayLike, t: ArrayLike) -> float:
        """Fraction of samples whose most probable class is the target."""
        batch = _as_batch(x, self.params["W1"].shape[0])
        y = np.argmax(self.predict(batch), axis=1)
        return float(np.mean(y == _as_labels(t, *self._batch_and_classes(batch))))

    def numerical_gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, NDArray[np.floating]]:
        """Gradient of the loss for every parameter, by central differences.

        `loss_W` never uses `W`. It still works because `numerical_gradient`
        perturbs `self.params[key]` itself, in place, and `self.loss` reads
        `self.params` each time it is called. Inputs and labels are checked
        before any parameter is touched.
        """
        self._check_inputs(x, t)  # before any parameter is perturbed
        loss_W = lambda W: self.loss(x, t)  # W is a dummy: see the docstring

        grads = {}
        for key in PARAM_NAMES:
            grads[key] = numerical_gradient(loss_W, self.params[key], name=f"params[{key!r}]")
        return grads

    def gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, NDArray[np.float64]]:
        """The same gradient as `numerical_gradient`, by backpropagation."""
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        x = _as_batch(x, W1.shape[0])
        batch_size, n_classes = self._batch_and_classes(x)
        labels = _as_labels(t, batch_size, n_classes)

        a1 = np.dot(x, W1) + b1
        z1 = sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        y = softmax(a2)

        # Softmax followed by cross-entropy has the simple derivative y - t.
        dy = y.copy()
        dy[np.arange(batch_size), labels] -= 1.0
        dy /= batch_size
        da1 = np.dot(dy, W2.T) * sigmoid_grad(a1)
        return {
            "W1": np.dot(x.T, da1),
            "b1": da1.sum(axis=0),
            "W2": np.dot(z1.T, dy),
            "b2": dy.sum(axis=0),
        }

    def _batch_and_classes(self, batch: NDArray[np.float64]) -> tuple[int, int]:
        return batch.shape[0], self.params["W2"].shape[1]

    def _check_inputs(self, x: ArrayLike, t: ArrayLike) -> None:
        """Raise what `loss` would raise for these `x` and `t`, without computing it."""
        batch = _as_batch(x, self.params["W1"].shape[0])
        _as_labels(t, *self._batch_and_classes(batch))
