"""TwoLayerNet and AdditionNet: backprop against the numerical gradient, and the toy's numbers."""

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lambda_puzzle import AdditionNet, TwoLayerNet, cross_entropy_error, functions, softmax
from lambda_puzzle.two_layer_net import PARAM_NAMES

# A small network and batch: a seed, (input, hidden, output) sizes, a batch size, the label form.
NETWORKS = {
    "seed": st.integers(0, 2**32 - 1),
    "sizes": st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(2, 4)),
    "batch": st.integers(1, 4),
    "one_hot": st.booleans(),
}


# Backprop's y - t is the gradient of the loss without its log(y + 1e-7) guard, so the
# guard is off in both comparisons: it adds about 1e-7 / y to each sample's share of the
# gradient. With wide weights y can be tiny, and the guard would dominate. At the
# book's default scale y is near 1 / classes, but the samples' shares nearly cancel,
# and the guard can still be a relative 1e-6 of what is left (Hypothesis found it:
# the example below).
@settings(max_examples=25, deadline=None)
@given(**NETWORKS)
def test_backprop_agrees_with_the_numerical_gradient(seed, sizes, batch, one_hot):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(functions, "LOG_GUARD", 0.0)
        assert_gradients_agree(seed, sizes, batch, one_hot, weight_init_std=1.0)


@settings(max_examples=25, deadline=None)
@given(**NETWORKS)
@example(seed=4364, sizes=(1, 3, 2), batch=2, one_hot=False)
def test_backprop_agrees_at_the_default_weight_scale(seed, sizes, batch, one_hot):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(functions, "LOG_GUARD", 0.0)
        assert_gradients_agree(seed, sizes, batch, one_hot, weight_init_std=0.01)


def assert_gradients_agree(seed, sizes, batch, one_hot, weight_init_std):
    rng = np.random.default_rng(seed)
    input_size, hidden_size, output_size = sizes
    net = TwoLayerNet(input_size, hidden_size, output_size, weight_init_std, rng=rng)
    for key in ("b1", "b2"):  # non-zero biases, so their gradient is really tested
        net.params[key] += weight_init_std * rng.standard_normal(net.params[key].shape)
    x = rng.standard_normal((batch, input_size))
    labels = rng.integers(0, output_size, size=batch)
    t = np.eye(output_size)[labels] if one_hot else labels

    numerical = net.numerical_gradient(x, t)
    backprop = net.gradient(x, t)
    for key in PARAM_NAMES:
        a, b = numerical[key], backprop[key]
        assert a.shape == net.params[key].shape
        # Relative error below 1e-6, over a floor for rounding: each loss evaluation
        # is exact to ~1e-16, so the numerical gradient carries noise of ~1e-16 / h
        # = 1e-12 per element. At the default weight scale some gradients are only
        # ~1e-7, where that noise alone is a relative error of 1e-5.
        assert np.linalg.norm(a - b) <= 1e-6 * (np.linalg.norm(a) + np.linalg.norm(b)) + 1e-10, key


def test_numerical_gradient_restores_every_parameter():
    net = TwoLayerNet(4, 3, 2, rng=1)
    before = {k: v.tobytes() for k, v in net.params.items()}
    x = np.random.default_rng(2).standard_normal((3, 4))
    net.numerical_gradient(x, np.array([0, 1, 1]))
    assert {k: v.tobytes() for k, v in net.params.items()} == before


def test_numerical_gradient_sees_params_through_the_lambda_only():
    # The method passes self.params[key] itself: a copy would give zeros.
    net = TwoLayerNet(2, 2, 2, weight_init_std=1.0, rng=3)
    grads = net.numerical_gradient(np.array([[1.0, -1.0]]), np.array([1]))
    assert all(np.abs(g).max() > 0 for g in grads.values())


def test_same_seed_same_weights():
    a, b = TwoLayerNet(3, 4, 2, rng=7), TwoLayerNet(3, 4, 2, rng=7)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in PARAM_NAMES)
    c = TwoLayerNet(3, 4, 2, rng=np.random.default_rng(7))
    assert np.array_equal(a.params["W1"], c.params["W1"])


def test_default_weight_scale_and_zero_biases():
    net = TwoLayerNet(200, 50, 10, rng=0)
    assert 0.008 < net.params["W1"].std() < 0.012
    assert not net.params["b1"].any() and not net.params["b2"].any()
    assert all(p.dtype == np.float64 for p in net.params.values())


def test_predict_gives_probabilities_and_accuracy_counts_hits():
    net = TwoLayerNet(3, 5, 4, weight_init_std=1.0, rng=0)
    x = np.random.default_rng(1).standard_normal((6, 3))
    y = net.predict(x)
    np.testing.assert_allclose(y.sum(axis=1), 1.0)
    labels = y.argmax(axis=1)
    assert net.accuracy(x, labels) == 1.0
    assert net.accuracy(x, np.eye(4)[labels]) == 1.0
    assert net.accuracy(x, (labels + 1) % 4) == 0.0


def test_loss_is_the_cross_entropy_of_predict():
    net = TwoLayerNet(3, 5, 4, weight_init_std=1.0, rng=0)
    x = np.random.default_rng(1).standard_normal((2, 3))
    t = np.array([0, 3])
    assert net.loss(x, t) == cross_entropy_error(net.predict(x), t)


@pytest.mark.parametrize("bad", [0, -3, 2.5, "10", True])
def test_sizes_must_be_positive_integers(bad):
    with pytest.raises(ValueError, match="hidden_size must be a positive integer"):
        TwoLayerNet(4, bad, 2)


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), "0.01", True, None])
def test_weight_init_std_must_be_a_finite_number_not_below_zero(bad):
    with pytest.raises(ValueError, match="weight_init_std must be a finite real number >= 0"):
        TwoLayerNet(4, 3, 2, weight_init_std=bad)


def test_softmax_is_stable_and_works_on_batches():
    np.testing.assert_allclose(softmax(np.array([1000.0, 1000.0])), [0.5, 0.5])
    batch = softmax(np.array([[1.0, 2.0], [3.0, 3.0]]))
    np.testing.assert_allclose(batch.sum(axis=1), [1.0, 1.0])
    np.testing.assert_allclose(batch[1], [0.5, 0.5])


def test_cross_entropy_accepts_labels_and_one_hot_in_batches():
    y = np.array([[0.1, 0.9], [0.8, 0.2]])
    expected = -(np.log(0.9 + 1e-7) + np.log(0.8 + 1e-7)) / 2
    assert cross_entropy_error(y, np.array([1, 0])) == pytest.approx(expected)
    assert cross_entropy_error(y, np.array([[0, 1], [1, 0]])) == pytest.approx(expected)


def test_cross_entropy_names_the_shape_problem():
    with pytest.raises(ValueError, match=r"one label per sample, shape \(2,\).*got shape \(3,\)"):
        cross_entropy_error(np.full((2, 2), 0.5), np.array([0, 1, 1]))


def test_addition_net_prints_107_then_108():
    net = AdditionNet()
    loss_W = net.loss_W(2, 5)
    assert loss_W(None) == 107 and type(loss_W(None)) is int
    assert loss_W(101) == 107  # the argument is ignored
    W = net.params["w"]
    W[0][0] = 101
    assert loss_W(W) == 108
    assert loss_W("anything") == 108


def test_addition_net_gradient_is_one_for_float_weights():
    from lambda_puzzle import numerical_gradient

    net = AdditionNet(w=100.0)
    grad = numerical_gradient(net.loss_W(2, 5), net.params["w"])
    np.testing.assert_allclose(grad, [[1.0]], rtol=1e-6)


@pytest.mark.parametrize("x", [np.ones((2, 3)), np.ones(3), np.ones((2, 2, 4))])
def test_inputs_of_the_wrong_width_are_refused(x):
    net = TwoLayerNet(4, 3, 2, rng=0)
    with pytest.raises(ValueError, match=r"4 inputs per sample.*got shape"):
        net.predict(x)
    with pytest.raises(ValueError, match="4 inputs per sample"):
        net.gradient(x, np.zeros(len(x), dtype=int))


def test_a_single_sample_works_like_a_batch_of_one():
    net = TwoLayerNet(4, 3, 2, weight_init_std=1.0, rng=0)
    x = np.arange(4.0)
    np.testing.assert_allclose(net.predict(x), net.predict(x[None])[0])
    assert net.loss(x, np.array([1])) == net.loss(x[None], np.array([1]))


@pytest.mark.parametrize("w", ["100", None, True, [100]])
def test_addition_net_needs_a_real_weight(w):
    with pytest.raises(TypeError, match="w must be a real number"):
        AdditionNet(w)


# --- One normalisation point for inputs and labels ---------------------------------

N_IN, N_OUT = 3, 4
METHODS = ("loss", "accuracy", "gradient", "numerical_gradient")


def call(net: TwoLayerNet, method: str, x, t):
    return getattr(net, method)(x, t)


def label_forms(labels: np.ndarray) -> dict[str, object]:
    """The same labels in every form the networks accept."""
    one_hot = np.eye(N_OUT)[labels]
    return {
        "int array": labels,
        "list": labels.tolist(),
        "whole floats": labels.astype(float),
        "int8": labels.astype(np.int8),
        "uint8": labels.astype(np.uint8),
        "one-hot floats": one_hot,
        "one-hot ints": one_hot.astype(int),
        "one-hot bools": one_hot.astype(bool),
    }


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    batch=st.integers(1, 3),
    form=st.sampled_from(sorted(label_forms(np.zeros(1, int)))),
)
def test_every_accepted_label_form_gives_the_same_numbers_both_ways(seed, batch, form):
    rng = np.random.default_rng(seed)
    net = TwoLayerNet(N_IN, 3, N_OUT, weight_init_std=1.0, rng=rng)
    x = rng.standard_normal((batch, N_IN))
    labels = rng.integers(0, N_OUT, size=batch)
    t = label_forms(labels)[form]
    assert net.loss(x, t) == net.loss(x, labels)
    assert net.accuracy(x, t) == net.accuracy(x, labels)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(functions, "LOG_GUARD", 0.0)  # see test_backprop_agrees_with_the_numerical_gradient
        numerical, backprop = net.numerical_gradient(x, t), net.gradient(x, t)
    for key in PARAM_NAMES:
        a, b = numerical[key], backprop[key]
        assert np.linalg.norm(a - b) <= 1e-6 * (np.linalg.norm(a) + np.linalg.norm(b)) + 1e-10, key
        assert np.array_equal(b, net.gradient(x, labels)[key])


@pytest.mark.parametrize("t", [1, np.int64(1), [1], np.array([0, 1, 0, 0]), [[0, 1, 0, 0]]], ids=repr)
def test_a_single_sample_takes_a_plain_label_or_one_one_hot_vector(t):
    net = TwoLayerNet(N_IN, 3, N_OUT, weight_init_std=1.0, rng=0)
    x = np.array([0.5, -1.0, 2.0])
    assert net.predict(x).shape == (N_OUT,)
    assert net.loss(x, t) == net.loss(x[None], [1])
    assert net.accuracy(x, t) == net.accuracy(x[None], [1])
    for key, grad in net.gradient(x, t).items():
        assert np.array_equal(grad, net.gradient(x[None], [1])[key])
    assert net.numerical_gradient(x, t)["b2"].shape == (N_OUT,)


REFUSED = {
    # name: (t for a batch of 2, error type, message pattern)
    "a column of labels": ([[1], [2]], ValueError, r"one label per sample, shape \(2,\).*got shape \(2, 1\)"),
    "a negative label": ([1, -1], ValueError, r"whole numbers in 0\.\.3, got -1 in \[1, -1\]"),
    "a label too large": ([4, 0], ValueError, r"whole numbers in 0\.\.3, got 4 in \[4, 0\]"),
    "a fractional label": ([1.7, 0.0], ValueError, r"got 1\.7 in \[1\.7, 0\.0\]"),
    "a NaN label": ([np.nan, 0.0], ValueError, r"got nan"),
    "boolean labels": ([True, False], ValueError, r"class numbers, got booleans"),
    "too few labels": ([1], ValueError, r"got shape \(1,\)"),
    "a soft target row": (
        [[0.3, 0.7, 0, 0], [1, 0, 0, 0]], ValueError, r"row 0 is \[0\.3, 0\.7, 0\.0, 0\.0\].*soft targets"
    ),
    "a row with two ones": ([[1, 1, 0, 0], [1, 0, 0, 0]], ValueError, r"row 0 is \[1, 1, 0, 0\]"),
    "an empty row": ([[0, 1, 0, 0], [0, 0, 0, 0]], ValueError, r"row 1 is \[0, 0, 0, 0\]"),
    "a one and a minus one": ([[0, 1, 0, -1], [1, 0, 0, 0]], ValueError, r"row 0 is \[0, 1, 0, -1\]"),
    "a NaN beside a one": ([[0, 1, 0, 0], [1, np.nan, 0, 0]], ValueError, r"row 1 is \[1\.0, nan, 0\.0, 0\.0\]"),
    "strings": (["1", "2"], TypeError, r"class labels or one-hot rows, got dtype <U1"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_every_method_refuses_a_bad_label_with_the_same_message_and_touches_nothing(case):
    t, error, pattern = REFUSED[case]
    net = TwoLayerNet(N_IN, 3, N_OUT, rng=0)
    x = np.ones((2, N_IN))
    before = {k: v.tobytes() for k, v in net.params.items()}
    messages = set()
    for method in METHODS:
        with pytest.raises(error, match=pattern) as raised:
            call(net, method, x, t)
        messages.add(str(raised.value))
    assert len(messages) == 1
    assert {k: v.tobytes() for k, v in net.params.items()} == before
    with pytest.raises(error, match=pattern):
        cross_entropy_error(np.full((2, N_OUT), 0.25), t)


@pytest.mark.parametrize(
    ("x", "error", "pattern"),
    [
        (np.ones((2, 2)), ValueError, r"3 inputs per sample.*got shape \(2, 2\)"),
        (np.ones(4), ValueError, r"3 inputs per sample.*got shape \(4,\)"),
        (np.ones((2, 2, 3)), ValueError, r"got shape \(2, 2, 3\)"),
        (np.array([["a", "b", "c"]]), TypeError, r"x must hold real numbers, got dtype <U1"),
    ],
)
def test_every_method_refuses_bad_inputs_with_the_same_message(x, error, pattern):
    net = TwoLayerNet(N_IN, 3, N_OUT, rng=0)
    before = {k: v.tobytes() for k, v in net.params.items()}
    messages = set()
    for method in ("predict", *METHODS):
        with pytest.raises(error, match=pattern) as raised:
            net.predict(x) if method == "predict" else call(net, method, x, [0] * len(x))
        messages.add(str(raised.value))
    assert len(messages) == 1
    assert {k: v.tobytes() for k, v in net.params.items()} == before


def test_a_parameter_that_cannot_be_perturbed_is_named():
    net = TwoLayerNet(N_IN, 3, N_OUT, rng=0)
    net.params["W2"] = net.params["W2"].astype(int)
    with pytest.raises(TypeError, match=r"params\['W2'\] must have a floating dtype, got int"):
        net.numerical_gradient(np.ones((1, N_IN)), [0])
    net = TwoLayerNet(N_IN, 3, N_OUT, rng=0)
    net.params["b1"].flags.writeable = False
    with pytest.raises(ValueError, match=r"params\['b1'\] is read-only"):
        net.numerical_gradient(np.ones((1, N_IN)), [0])


@pytest.mark.parametrize(("x", "t"), [(np.ones((2, 2)), 5), (2, np.array([5, 6])), ([2], 5), (2, True)])
def test_addition_net_refuses_anything_but_single_numbers(x, t):
    with pytest.raises(TypeError, match=r"must be a real number, got .*adds single numbers"):
        AdditionNet().loss(x, t)


def names_a_class(value: float) -> bool:
    return math.isfinite(value) and value == int(value) and 0 <= value < N_OUT


def bad_labels(batch: int):
    """Labels for a batch of `batch` samples that do not name one class each, exactly."""
    def some_bad(labels):
        return any(not names_a_class(v) for v in labels)

    rows = st.lists(st.floats(0, 1), min_size=N_OUT, max_size=N_OUT)
    return st.one_of(
        st.lists(st.integers(-2**40, 2**40), min_size=batch, max_size=batch).filter(some_bad),
        st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=batch, max_size=batch).filter(some_bad),
        st.lists(rows, min_size=batch, max_size=batch).filter(
            lambda rs: any(sorted(r) != [0.0] * (N_OUT - 1) + [1.0] for r in rs)),  # not exactly one-hot
    )


@settings(max_examples=40, deadline=None)
@given(data=st.data(), batch=st.integers(1, 3))
def test_every_refused_label_is_refused_alike_by_every_method_and_changes_nothing(data, batch):
    t = data.draw(bad_labels(batch))
    net = TwoLayerNet(N_IN, 3, N_OUT, rng=0)
    x = np.ones((batch, N_IN))
    before = {k: v.tobytes() for k, v in net.params.items()}
    messages = set()
    for method in METHODS:
        with pytest.raises(ValueError) as raised:
            call(net, method, x, t)
        messages.add(str(raised.value))
    assert len(messages) == 1, messages
    assert {k: v.tobytes() for k, v in net.params.items()} == before


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from([0.0, 0.0, 1.0, 1.0, -1.0, 0.5, 2.0, np.nan]), min_size=3, max_size=3),
                min_size=1, max_size=4))
def test_one_hot_rows_are_accepted_exactly_when_each_is_all_zeros_but_one_1(rows):
    t = np.array(rows)
    one_hot = all(sorted(row) == [0.0, 0.0, 1.0] for row in rows)
    if one_hot:
        assert functions._as_labels(t, len(rows), 3).tolist() == [row.index(1.0) for row in rows]
    else:
        with pytest.raises(ValueError, match="each row must be all zeros but one 1"):
            functions._as_labels(t, len(rows), 3)


def test_a_net_shows_its_sizes_and_shapes():
    net = TwoLayerNet(784, 50, 10, rng=0)
    assert repr(net) == "<TwoLayerNet 784-50-10: W1 (784, 50), b1 (50,), W2 (50, 10), b2 (10,), float64>"
    net.params["b1"] = net.params["b1"].astype(np.float32)
    net.params["W2"] = None  # changed by hand: repr still answers, with what is there
    assert repr(net) == "<TwoLayerNet: W1 (784, 50), b1 (50,), W2 NoneType, b2 (10,), float32, float64>"
    net.params = {}
    assert repr(net) == "<TwoLayerNet: no params>"


def test_the_addition_net_shows_its_weight_as_it_is_now():
    net = AdditionNet()
    assert repr(net) == "AdditionNet(w=100)"
    net.params["w"][0, 0] = 101
    assert repr(net) == "AdditionNet(w=101)"
    assert repr(AdditionNet(2.5)) == "AdditionNet(w=2.5)"
