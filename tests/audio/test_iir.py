"""The numpy recursive filters equal the sample-by-sample recursion, however cut."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from softpace.audio.iir import Biquad, Cascade, OnePole
from softpace.audio.loudness import k_weighting_sos

RNG = np.random.default_rng(3)


def _recursion(b, a, x):
    """Direct form I, one sample at a time: the definition the fast filter must meet."""
    y = np.zeros(len(x))
    x1 = x2 = y1 = y2 = 0.0
    for i, v in enumerate(x):
        out = b[0] * v + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2
        x2, x1, y2, y1 = x1, v, y1, out
        y[i] = out
    return y


@pytest.mark.parametrize("rate", [8_000, 22_050, 44_100, 48_000])
def test_k_weighting_equals_the_plain_recursion(rate) -> None:
    x = RNG.standard_normal(6_000)
    expected = x
    for row in k_weighting_sos(rate):
        expected = _recursion(row[:3], row[3:], expected)
    got = Cascade(k_weighting_sos(rate))(x)
    np.testing.assert_allclose(got, expected, atol=1e-10 * np.abs(expected).max())


@settings(max_examples=40, deadline=None)
@given(
    cuts=st.lists(st.integers(0, 3_000), max_size=6),
    pole=st.one_of(
        st.floats(0.05, 0.9995),
        st.builds(complex, st.floats(-0.7, 0.7), st.floats(0.01, 0.7)),
    ),
)
def test_block_boundaries_do_not_change_a_one_pole_filter(cuts, pole) -> None:
    x = RNG.standard_normal(3_000)
    whole = OnePole(pole)(x)
    pieces, cut_filter = [], OnePole(pole)
    for lo, hi in zip([0, *sorted(cuts)], [*sorted(cuts), len(x)], strict=True):
        pieces.append(cut_filter(x[lo:hi]))
    np.testing.assert_allclose(np.concatenate(pieces), whole, atol=1e-9)
    reference, state = np.zeros(len(x), dtype=whole.dtype), 0
    for i, v in enumerate(x):
        state = v + pole * state
        reference[i] = state
    np.testing.assert_allclose(whole, reference, atol=1e-9)


def test_a_double_real_pole_is_handled() -> None:
    """The K-weighting high pass (Q = 0.5) has a double pole: two real recursions."""
    b, a = (1.0, -2.0, 1.0), (1.0, -1.8, 0.81)  # (1 - 0.9 z^-1)^2
    x = RNG.standard_normal(2_000)
    np.testing.assert_allclose(Biquad(b, a)(x), _recursion(b, a, x), atol=1e-9)


def test_an_unstable_pole_is_refused() -> None:
    with pytest.raises(ValueError, match="stable"):
        OnePole(1.0)
