# A wrong copy of the loop of the book's common/gradient.py (MIT licence, (c) 2016 Koki Saitoh):
# it perturbs a copy of x, so f never sees the change.
import numpy as np


def numerical_gradient(f, x):
    h = 1e-4
    x = x.copy()  # the one change: the loss never sees the perturbed values
    grad = np.zeros_like(x)

    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)

        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)

        x[idx] = tmp_val
        it.iternext()

    return grad
