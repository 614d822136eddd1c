"""numerical_gradient: exact restore, agreement with calculus, clear refusals."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lambda_puzzle import numerical_gradient

settings.register_profile("docs", max_examples=60, deadline=None)
settings.load_profile("docs")

float_arrays = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.float32, np.float16]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4),
    elements={"allow_nan": True, "allow_infinity": True, "allow_subnormal": True},
)
moderate_arrays = hnp.arrays(
    dtype=np.float64,
    shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4),
    elements=st.floats(-10, 10),
)


class Boom(Exception):
    pass


def refused_because_the_step_vanishes(error: ValueError) -> bool:
    return "vanishes" in str(error)


@given(float_arrays)
def test_x_is_restored_bit_for_bit_or_refused_untouched(x):
    before = x.tobytes()
    with np.errstate(all="ignore"):  # inf - inf and overflow are not the point here
        try:
            numerical_gradient(lambda v: np.sum(v), x)
        except ValueError as error:
            assert refused_because_the_step_vanishes(error)
    assert x.tobytes() == before


@given(float_arrays, st.integers(min_value=1, max_value=8))
def test_x_is_restored_bit_for_bit_when_f_raises(x, fail_on_call):
    before = x.tobytes()
    calls = 0

    def f(v):
        nonlocal calls
        calls += 1
        if calls == fail_on_call:
            raise Boom
        return 0.0

    with np.errstate(all="ignore"):
        try:
            numerical_gradient(f, x)
        except Boom:
            assert calls == fail_on_call <= 2 * x.size
        except ValueError as error:
            assert refused_because_the_step_vanishes(error) and calls == 0
    assert x.tobytes() == before


@given(
    hnp.arrays(
        dtype=st.sampled_from([np.float64, np.float32, np.float16]),
        shape=hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4),
        elements=st.floats(-100, 100, width=16),
    ),
    st.sampled_from([1e-4, 1e-3, 1e-2]),
)
def test_a_linear_function_has_its_coefficients_as_gradient_in_every_dtype(x, h):
    # f is computed in float64 from the stored values, so f(x+h) - f(x-h) is exact
    # up to ~1e-13: any larger error would come from dividing by the wrong step.
    coefficients = np.arange(1, x.size + 1, dtype=float).reshape(x.shape)
    f = lambda v: float(np.sum(coefficients * v.astype(float)))
    try:
        grad = numerical_gradient(f, x, h)
    except ValueError as error:
        assert refused_because_the_step_vanishes(error)
        vanishing = ((x + h).astype(x.dtype) == x) | ((x - h).astype(x.dtype) == x)
        assert vanishing.any()
        return
    np.testing.assert_allclose(grad.astype(float), coefficients, rtol={np.float16: 1e-3}.get(x.dtype.type, 1e-6))


@pytest.mark.parametrize(
    ("x", "h", "where"),
    [
        (np.array([0.5, 1.0], dtype=np.float16), 1e-4, r"x\[0\] = 0\.5: in float16"),
        (np.array([[1.0, 1e13]]), 1e-4, r"x\[0, 1\] = 10000000000000\.0: in float64"),
        (np.array([1.0]), 1e-300, r"h=1e-300 vanishes at x\[0\] = 1\.0"),
        (np.array(2.0), 1e-20, r"vanishes at x = 2\.0"),
        (np.array([np.inf]), 1e-4, r"x\[0\] = inf"),
    ],
)
def test_a_vanishing_step_is_refused_before_f_is_called(x, h, where):
    before = x.tobytes()
    calls = []
    with pytest.raises(ValueError, match=where):
        numerical_gradient(lambda v: calls.append(1) or 0.0, x, h)
    assert calls == [] and x.tobytes() == before


def test_an_unsigned_result_of_f_does_not_wrap_around():
    x = np.array([1.0])
    grad = numerical_gradient(lambda v: np.uint8(3) if v[0] > 1 else np.uint8(5), x)
    assert grad.tolist() == pytest.approx([-10000.0])  # (3 - 5) / 2h, not (3 + 256 - 5) / 2h


def test_errors_use_the_name_given():
    with pytest.raises(TypeError, match=r"params\['W1'\] must have a floating dtype, got int64"):
        numerical_gradient(lambda v: 0.0, np.array([1, 2]), name="params['W1']")


@given(moderate_arrays)
def test_gradient_of_sum_of_squares_is_2x(x):
    grad = numerical_gradient(lambda v: np.sum(v**2), x)
    np.testing.assert_allclose(grad, 2 * x, rtol=0, atol=1e-6)


@given(moderate_arrays)
def test_gradient_of_sum_of_sines_is_cosine(x):
    grad = numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    # Central differences are off by about h**2 / 6 * f'''.
    np.testing.assert_allclose(grad, np.cos(x), rtol=0, atol=1e-8)


@given(moderate_arrays, st.floats(-5, 5))
def test_gradient_of_a_linear_function_is_its_coefficients(x, scale):
    coefficients = scale * np.arange(x.size, dtype=float).reshape(x.shape)
    grad = numerical_gradient(lambda v: np.sum(coefficients * v), x)
    np.testing.assert_allclose(grad, coefficients, rtol=1e-6, atol=1e-6)


def test_f_sees_the_perturbation_through_another_name():
    # The heart of the puzzle: f ignores its argument and reads `held` instead.
    held = np.array([3.0, 4.0])
    grad = numerical_gradient(lambda _ignored: np.sum(held**2), held)
    np.testing.assert_allclose(grad, [6.0, 8.0], atol=1e-6)


def test_a_copy_gives_zero_gradient():
    held = np.array([3.0, 4.0])
    grad = numerical_gradient(lambda _ignored: np.sum(held**2), held.copy())
    assert grad.tolist() == [0.0, 0.0]


def test_result_has_the_shape_and_dtype_of_x():
    x = np.ones((2, 3), dtype=np.float32)
    grad = numerical_gradient(lambda v: np.sum(v), x)
    assert grad.shape == (2, 3)
    assert grad.dtype == np.float32


def test_non_contiguous_views_are_perturbed_in_place():
    base = np.arange(12, dtype=float).reshape(3, 4)
    view = base[:, ::2]
    before = base.tobytes()
    grad = numerical_gradient(lambda _: np.sum(base[:, ::2] ** 2), view)
    np.testing.assert_allclose(grad, 2 * view, atol=1e-6)
    assert base.tobytes() == before


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, bool])
def test_integer_and_bool_arrays_are_refused(dtype):
    x = np.array([1, 2]).astype(dtype)
    with pytest.raises(TypeError, match=r"floating dtype.*truncated"):
        numerical_gradient(lambda v: np.sum(v**2), x)
    assert x.tolist() == np.array([1, 2]).astype(dtype).tolist()


def test_complex_arrays_are_refused():
    with pytest.raises(TypeError, match="floating dtype"):
        numerical_gradient(lambda v: 0.0, np.array([1j]))


@pytest.mark.parametrize("x", [[1.0, 2.0], 3.0, (1.0,), None])
def test_non_arrays_are_refused(x):
    with pytest.raises(TypeError, match=r"numpy\.ndarray.*in place"):
        numerical_gradient(lambda v: 0.0, x)


def test_read_only_arrays_are_refused():
    x = np.array([1.0, 2.0])
    x.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        numerical_gradient(lambda v: 0.0, x)


def test_f_must_be_callable():
    with pytest.raises(TypeError, match="f must be callable"):
        numerical_gradient(42, np.array([1.0]))


@pytest.mark.parametrize("h", [0, -1e-4, float("nan"), float("inf")])
def test_h_must_be_positive_and_finite(h):
    with pytest.raises(ValueError, match="h must be a positive finite number"):
        numerical_gradient(lambda v: 0.0, np.array([1.0]), h=h)


@pytest.mark.parametrize("h", ["1e-4", None, True, 1j, np.array([1e-4])])
def test_h_must_be_a_number(h):
    with pytest.raises(TypeError, match="h must be a real number"):
        numerical_gradient(lambda v: 0.0, np.array([1.0]), h=h)


@pytest.mark.parametrize(
    ("result", "message"),
    [
        (np.array([1.0, 2.0]), r"scalar, got an array of shape \(2,\)"),
        (None, "real number"),
        ("loss", "real number"),
        (1j, "real number"),
    ],
)
def test_f_must_return_a_real_scalar(result, message):
    x = np.array([1.0, 2.0])
    with pytest.raises(TypeError, match=message):
        numerical_gradient(lambda v: result, x)
    assert x.tolist() == [1.0, 2.0]
