"""lambda_puzzle: why `lambda W: self.loss(x, t)` has a non-zero gradient.

A small NumPy implementation of the code around section 4.5.1 of
『ゼロから作るDeep Learning』, written to be read next to the site.
"""

from lambda_puzzle.addition_net import AdditionNet
from lambda_puzzle.functions import cross_entropy_error, sigmoid, sigmoid_grad, softmax
from lambda_puzzle.gradient import numerical_gradient
from lambda_puzzle.two_layer_net import TwoLayerNet

__all__ = [
    "AdditionNet",
    "TwoLayerNet",
    "cross_entropy_error",
    "numerical_gradient",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
]
__version__ = "0.1.0"
