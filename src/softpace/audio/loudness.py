"""Loudness (ITU-R BS.1770-4), true peak, and a transparent peak limiter.

- `LoudnessMeter` measures integrated loudness block by block (K-weighting filters with
  their state carried across blocks, 400 ms gating blocks on a 100 ms hop, the absolute
  -70 LUFS and relative -10 LU gates), so a whole session is measured without holding it.
  The filters run in numpy (audio.iir), so measuring never imports scipy.
- `true_peak_dbtp` oversamples 4x (as BS.1770 Annex 2 describes) to find the peaks
  between samples, which a plain sample peak misses.
- `limit_peaks` lowers only the loudest moments of a clip, with a gain curve that starts
  early (look-ahead) and moves smoothly, so the limiting is not heard as clicks or pumps.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable

import numpy as np

from softpace.audio.iir import Cascade

SILENCE_LUFS = -70.0  # the absolute gate; also what silence measures as
GATE_BLOCK_S = 0.4
GATE_HOP_S = 0.1
RELATIVE_GATE_LU = -10.0
OVERSAMPLE = 4
PEAK_CHUNK_N = 1 << 20
PIECE_N = 1 << 16  # the limiter and the meter work on pieces of this many samples


def k_weighting_sos(sample_rate_hz: int) -> np.ndarray:
    """The two K-weighting biquads (high shelf, then high pass) as second-order sections."""
    sections = []
    for kind, gain_db, q, freq_hz in (
        ("shelf", 4.0, 1 / math.sqrt(2), 1500.0),
        ("hp", 0.0, 0.5, 38.0),
    ):
        a = 10 ** (gain_db / 40.0)
        w0 = 2.0 * math.pi * freq_hz / sample_rate_hz
        alpha = math.sin(w0) / (2.0 * q)
        cos_w0 = math.cos(w0)
        if kind == "shelf":
            root = 2.0 * math.sqrt(a) * alpha
            b = (
                a * ((a + 1) + (a - 1) * cos_w0 + root),
                -2 * a * ((a - 1) + (a + 1) * cos_w0),
                a * ((a + 1) + (a - 1) * cos_w0 - root),
            )
            den = (
                (a + 1) - (a - 1) * cos_w0 + root,
                2 * ((a - 1) - (a + 1) * cos_w0),
                (a + 1) - (a - 1) * cos_w0 - root,
            )
        else:
            b = ((1 + cos_w0) / 2, -(1 + cos_w0), (1 + cos_w0) / 2)
            den = (1 + alpha, -2 * cos_w0, 1 - alpha)
        sections.append([*(x / den[0] for x in b), 1.0, den[1] / den[0], den[2] / den[0]])
    return np.array(sections, dtype=np.float64)


class LoudnessMeter:
    """Integrated loudness of a mono signal fed in blocks of any size (samples in [-1, 1])."""

    def __init__(self, sample_rate_hz: int) -> None:
        self.sample_rate_hz = sample_rate_hz
        self._filter = Cascade(k_weighting_sos(sample_rate_hz))
        self._hop_n = round(GATE_HOP_S * sample_rate_hz)
        self._partial = 0.0  # sum of squares of the unfinished hop
        self._partial_n = 0
        self._hops: list[float] = []

    def feed(self, block: np.ndarray, warm_up: bool = False) -> None:
        """Measure `block`; with warm_up=True it only settles the filters (not counted).
        A long block is filtered a piece at a time: the filters' complex working arrays
        stay small whatever its length."""
        for start in range(0, len(block), PIECE_N):
            self._feed(block[start : start + PIECE_N], warm_up)

    def _feed(self, block: np.ndarray, warm_up: bool) -> None:
        weighted = self._filter(block)
        if warm_up:
            return
        squares = np.square(weighted)
        start = 0
        if self._partial_n:
            take = min(self._hop_n - self._partial_n, len(squares))
            self._partial += float(squares[:take].sum())
            self._partial_n += take
            start = take
            if self._partial_n == self._hop_n:
                self._hops.append(self._partial)
                self._partial, self._partial_n = 0.0, 0
        whole = (len(squares) - start) // self._hop_n
        if whole:
            end = start + whole * self._hop_n
            self._hops.extend(squares[start:end].reshape(whole, self._hop_n).sum(axis=1).tolist())
            start = end
        if start < len(squares):
            self._partial += float(squares[start:].sum())
            self._partial_n += len(squares) - start

    @property
    def hop_n(self) -> int:
        return self._hop_n

    def hop_energies(self) -> list[float]:
        """K-weighted energy of each whole 100 ms hop measured so far."""
        return list(self._hops)

    def integrated_lufs(self) -> float:
        return gated_lufs(self._hops, self._hop_n)


def gated_lufs(hop_energies: list[float], hop_n: int) -> float:
    """Integrated loudness from consecutive 100 ms hop energies (400 ms blocks, 75% overlap)."""
    per_block = round(GATE_BLOCK_S / GATE_HOP_S)
    hops = np.asarray(hop_energies, dtype=np.float64)
    if len(hops) < per_block:
        return SILENCE_LUFS
    window = np.convolve(hops, np.ones(per_block), mode="valid")
    mean_square = window / (per_block * hop_n)
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10.0 * np.log10(mean_square)
    above_absolute = mean_square[loudness > SILENCE_LUFS]
    if not len(above_absolute):
        return SILENCE_LUFS
    relative = -0.691 + 10.0 * math.log10(float(above_absolute.mean())) + RELATIVE_GATE_LU
    gated = mean_square[(loudness > SILENCE_LUFS) & (loudness > relative)]
    return -0.691 + 10.0 * math.log10(float(gated.mean()))


def integrated_lufs(samples: np.ndarray, sample_rate_hz: int) -> float:
    meter = LoudnessMeter(sample_rate_hz)
    meter.feed(samples)
    return meter.integrated_lufs()


def clip_loudness_lufs(samples: np.ndarray, sample_rate_hz: int) -> float:
    """A short clip's loudness: gated (integrated) when it spans a gating block, else the
    plain K-weighted mean square (a single word is shorter than 400 ms)."""
    if len(samples) >= GATE_BLOCK_S * sample_rate_hz:
        return integrated_lufs(samples, sample_rate_hz)
    weighted = Cascade(k_weighting_sos(sample_rate_hz))(samples)
    mean_square = float(np.mean(np.square(weighted))) if len(weighted) else 0.0
    return -0.691 + 10.0 * math.log10(mean_square) if mean_square > 0 else SILENCE_LUFS


@functools.cache
def _oversampling_branches() -> tuple[tuple[np.ndarray, int], ...]:
    """The 4x interpolation filter, split into one branch per interpolated point.

    The taps are a Kaiser-windowed sinc (beta 5, ten zero crossings each side: the filter
    scipy's resample_poly designs for 4x), so a branch convolved with the input gives
    every OVERSAMPLE-th point of the oversampled signal. Each branch comes with the offset
    that lines its output up with the input samples.
    """
    half = 10 * OVERSAMPLE
    taps = np.sinc(np.arange(-half, half + 1) / OVERSAMPLE) * np.kaiser(2 * half + 1, 5.0)
    taps *= OVERSAMPLE / taps.sum()
    branches = []
    for point in range(OVERSAMPLE):
        offset, first = divmod(point + half, OVERSAMPLE)
        branches.append((taps[first::OVERSAMPLE].astype(np.float32), offset))
    return tuple(branches)


@functools.cache
def _oversampling_reach() -> int:
    """How many samples either side of a sample its oversampled peak reads."""
    return max(max(offset, len(taps) - 1 - offset) for taps, offset in _oversampling_branches())


def oversampled_peaks(samples: np.ndarray) -> np.ndarray:
    """For each sample, the largest magnitude among the OVERSAMPLE points of the 4x
    oversampled signal that start at it (itself and those up to the next sample)."""
    x = np.asarray(samples, dtype=np.float32)
    peaks = np.zeros(len(x), dtype=np.float32)
    if not len(x):
        return peaks
    for taps, offset in _oversampling_branches():
        np.maximum(peaks, np.abs(np.convolve(x, taps)[offset : offset + len(x)]), out=peaks)
    return peaks


def true_peak_dbtp(blocks: Iterable[np.ndarray] | np.ndarray, pad_n: int = 64) -> float:
    """The true peak (dBTP) of a signal in [-1, 1], given whole or as consecutive blocks.

    Blocks are joined with `pad_n` samples of context on each side (overlap-save), so the
    result is the same however the signal is cut.
    """
    if isinstance(blocks, np.ndarray):
        whole = blocks
        blocks = (whole[i : i + PEAK_CHUNK_N] for i in range(0, len(whole), PEAK_CHUNK_N))
    peak = 0.0
    context = np.zeros(0)  # already counted: the left context of what comes next
    held = np.zeros(0)  # not yet counted: it needs right context first
    for block in blocks:
        data = np.concatenate([context, held, block.astype(np.float64)])
        start, end = len(context), len(data) - pad_n
        if end <= start:
            held = data[start:]
            continue
        peak = max(peak, float(oversampled_peaks(data)[start:end].max()))
        context, held = data[max(0, end - pad_n) : end], data[end:]
    if len(held):
        data = np.concatenate([context, held])
        peak = max(peak, float(oversampled_peaks(data)[len(context) :].max()))
    return 20.0 * math.log10(peak) if peak > 0 else -math.inf


def limit_peaks(
    samples: np.ndarray,
    ceiling_dbtp: float,
    sample_rate_hz: int,
    hold_s: float = 0.01,
    chunk_n: int = PIECE_N,
) -> np.ndarray:
    """`samples` with every true peak above the ceiling brought down to it, smoothly.

    The gain needed at each sample is held for `hold_s` on both sides (so it starts
    early: look-ahead) and then averaged over `hold_s`, which keeps it at or below what
    every nearby peak needs while making the change a smooth slope.

    It works `chunk_n` samples at a time, each with the context its gain reads on both
    sides, so a long clip needs no more memory than a short one and gets the same gain.
    """
    x = samples.astype(np.float32)
    if not len(x):
        return x
    ceiling = 10 ** (ceiling_dbtp / 20.0)
    hold_n = max(1, int(hold_s * sample_rate_hz))
    # gain[i] is the mean of held[i - hold_n // 2 ...] over hold_n values, and each held
    # value the minimum of need within hold_n either side; each peak reads the signal
    # within the oversampling filter's reach.
    before_n, after_n = hold_n + hold_n // 2, 2 * hold_n - 1 - hold_n // 2
    reach_n = _oversampling_reach()
    out: np.ndarray | None = None
    for start in range(0, len(x), chunk_n):
        end = min(len(x), start + chunk_n)
        lo, hi = max(0, start - before_n), min(len(x), end + after_n)
        signal_lo, signal_hi = max(0, lo - reach_n), min(len(x), hi + reach_n)
        peaks = oversampled_peaks(x[signal_lo:signal_hi])[lo - signal_lo : hi - signal_lo]
        if peaks.max() <= ceiling:
            continue  # no peak within reach: the gain here is 1
        if out is None:
            out = x.copy()  # the chunks still to come read the signal unchanged
        need = np.minimum(1.0, ceiling / np.maximum(peaks.astype(np.float64), 1e-12))
        held = running_min(need, 2 * hold_n + 1)
        gain = running_mean(held, hold_n)[start - lo : end - lo]
        out[start:end] = x[start:end] * gain.astype(np.float32)
    return x if out is None else out


def running_min(values: np.ndarray, size: int) -> np.ndarray:
    """The minimum over `size` values centred on each (the edge values repeat beyond the
    ends), in linear time: prefix and suffix minima within blocks of `size` (van Herk)."""
    n, left = len(values), size // 2
    blocks_n = -(-(n + size - 1) // size)
    padded = np.full(blocks_n * size, np.inf, dtype=np.result_type(values, np.float32))
    padded[:left] = values[0]
    padded[left : left + n] = values
    padded[left + n : n + size - 1] = values[-1]
    rows = padded.reshape(blocks_n, size)
    prefix = np.minimum.accumulate(rows, axis=1).ravel()
    suffix = np.minimum.accumulate(rows[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(suffix[:n], prefix[size - 1 : size - 1 + n])


def running_mean(values: np.ndarray, size: int) -> np.ndarray:
    """The mean over `size` values around each (window starting size // 2 before it; the
    edge values repeat beyond the ends)."""
    padded = np.pad(values.astype(np.float64), (size // 2, size - 1 - size // 2), mode="edge")
    sums = np.concatenate([[0.0], np.cumsum(padded)])
    return (sums[size:] - sums[:-size]) / size
