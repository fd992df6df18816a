"""BS.1770 loudness (checked against pyloudnorm), true peak, and the peak limiter."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from softpace.audio.loudness import (
    LoudnessMeter,
    clip_loudness_lufs,
    integrated_lufs,
    limit_peaks,
    oversampled_peaks,
    running_mean,
    running_min,
    true_peak_dbtp,
)

SR = 44_100
RNG = np.random.default_rng(7)


def _signals():
    t = np.arange(SR * 20) / SR
    yield "sine 1 kHz", 0.1 * np.sin(2 * np.pi * 1000 * t)
    yield "noise", 0.05 * RNG.standard_normal(len(t))
    yield (
        "speech-like bursts and quiet",
        np.concatenate(
            [
                0.2 * RNG.standard_normal(SR * 6),
                np.zeros(SR * 6),
                0.01 * np.sin(2 * np.pi * 200 * t[: SR * 8]),
            ]
        ),
    )
    yield "low tone, on and off", 0.3 * np.sin(2 * np.pi * 60 * t) * (t % 2 < 1)


@pytest.mark.parametrize(("name", "signal"), list(_signals()), ids=[n for n, _ in _signals()])
def test_integrated_loudness_matches_pyloudnorm(name, signal) -> None:
    import pyloudnorm  # here, not at the top: it imports scipy.signal (a second)

    expected = pyloudnorm.Meter(SR).integrated_loudness(signal)
    assert integrated_lufs(signal.astype(np.float32), SR) == pytest.approx(expected, abs=0.05)


@pytest.mark.parametrize("block_n", [pytest.param(1, marks=pytest.mark.slow), 777, 4410, 100_000])
def test_block_size_does_not_change_the_measurement(block_n) -> None:
    signal = (0.1 * RNG.standard_normal(SR * 3)).astype(np.float32)
    meter = LoudnessMeter(SR)
    for i in range(0, len(signal), block_n):
        meter.feed(signal[i : i + block_n])
    assert meter.integrated_lufs() == pytest.approx(integrated_lufs(signal, SR), abs=1e-4)


def test_silence_measures_at_the_absolute_gate() -> None:
    assert integrated_lufs(np.zeros(SR * 2, np.float32), SR) == -70.0


def test_a_short_clip_still_has_a_loudness() -> None:
    word = (0.1 * np.sin(2 * np.pi * 1000 * np.arange(SR // 5) / SR)).astype(np.float32)
    assert clip_loudness_lufs(word, SR) == pytest.approx(-23.0, abs=0.3)


def test_true_peak_sees_between_the_samples() -> None:
    n = np.arange(20_000)
    wave = 0.5 * np.sin(2 * np.pi * (SR / 4) * n / SR + np.pi / 4)  # samples miss the crest
    sample_peak_db = 20 * np.log10(np.abs(wave).max())
    assert sample_peak_db == pytest.approx(-9.0, abs=0.1)
    assert true_peak_dbtp(wave) == pytest.approx(-6.0, abs=0.3)
    blocks = [wave[i : i + 999] for i in range(0, len(wave), 999)]
    assert true_peak_dbtp(iter(blocks)) == pytest.approx(true_peak_dbtp(wave), abs=0.05)


def test_the_limiter_holds_the_ceiling_and_leaves_quiet_parts_alone() -> None:
    quiet = 0.05 * np.sin(2 * np.pi * 220 * np.arange(SR) / SR)
    loud = 0.95 * np.sin(2 * np.pi * 300 * np.arange(SR) / SR)
    signal = np.concatenate([quiet, loud, quiet]).astype(np.float32)
    limited = limit_peaks(signal, -3.0, SR)
    assert true_peak_dbtp(limited) <= -3.0 + 0.05
    np.testing.assert_allclose(limited[: SR - 2000], signal[: SR - 2000], atol=1e-6)
    np.testing.assert_allclose(limited[-SR + 2000 :], signal[-SR + 2000 :], atol=1e-6)
    gain = limited[SR + 5000 : 2 * SR - 5000] / np.where(
        np.abs(signal[SR + 5000 : 2 * SR - 5000]) > 0.1, signal[SR + 5000 : 2 * SR - 5000], np.nan
    )
    assert np.nanmax(np.abs(np.diff(gain[~np.isnan(gain)]))) < 0.01  # smooth, no jumps


@given(st.integers(1, 3_000), st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_the_oversampling_matches_scipys_resample_poly(length_n, seed) -> None:
    """numpy's four filter branches give the points scipy's 4x resample_poly gives."""
    from scipy.signal import resample_poly

    x = np.random.default_rng(seed).uniform(-1, 1, length_n)
    expected = np.abs(resample_poly(x, 4, 1)).reshape(length_n, 4).max(axis=1)
    assert np.allclose(oversampled_peaks(x), expected, atol=1e-5)


@given(
    st.lists(st.floats(0, 1, width=32), min_size=1, max_size=300),
    st.integers(1, 80),
)
@settings(max_examples=80, deadline=None)
def test_the_running_filters_match_scipy_ndimage(values, size) -> None:
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    x = np.asarray(values, dtype=np.float64)
    assert np.array_equal(running_min(x, size), minimum_filter1d(x, size, mode="nearest"))
    assert np.allclose(running_mean(x, size), uniform_filter1d(x, size, mode="nearest"))


@given(
    st.integers(50, 4_000),
    st.integers(0, 2**32 - 1),
    st.integers(1, 300),
    st.integers(1, 40),
    st.booleans(),
)
@settings(max_examples=80, deadline=None)
def test_the_limiter_gives_the_same_gain_whatever_its_chunks(
    length_n, seed, chunk_n, hold_n, sparse
) -> None:
    """Limited a piece at a time (each with the context it reads), a clip comes out as
    it does limited whole: the same samples, up to float rounding. Sparse peaks leave
    most pieces with nothing to limit near them."""
    rng = np.random.default_rng(seed)
    if sparse:
        x = 0.1 * rng.uniform(-1, 1, length_n)
        x[rng.integers(0, length_n, 3)] = 0.95
    else:
        x = rng.uniform(-1, 1, length_n) * rng.uniform(0.2, 1.0, length_n)
    whole = limit_peaks(x, -6.0, SR, hold_s=hold_n / SR, chunk_n=length_n)
    pieces = limit_peaks(x, -6.0, SR, hold_s=hold_n / SR, chunk_n=chunk_n)
    np.testing.assert_allclose(pieces, whole, atol=1e-6)
    assert not np.array_equal(whole, x.astype(np.float32))  # it did limit


def test_a_long_clip_is_limited_and_measured_in_little_memory() -> None:
    """A minute of loud speech-like sound: the limiter and the loudness meter work in
    pieces, so their working memory stays far below the clip's own float64 copies."""
    import tracemalloc

    t = np.arange(60 * SR) / SR
    x = (0.9 * np.sin(2 * np.pi * 180 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))).astype(
        np.float32
    )
    tracemalloc.start()
    try:
        start_b = tracemalloc.get_traced_memory()[0]
        limited = limit_peaks(x, -3.0, SR)
        loudness = clip_loudness_lufs(limited, SR)
        peak_b = tracemalloc.get_traced_memory()[1] - start_b
    finally:
        tracemalloc.stop()
    assert true_peak_dbtp(limited) <= -3.0 + 0.05 and loudness > -20
    assert peak_b < 3 * x.nbytes  # the result itself is one x.nbytes
