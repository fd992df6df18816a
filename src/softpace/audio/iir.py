"""Recursive (IIR) filters in plain numpy, block by block with their state carried over.

The loudness meter needs two biquads (BS.1770 K-weighting). scipy's `sosfilt` would do,
but importing scipy.signal costs a render about a second, so the recursion is done here:
a biquad is split into its poles, and each one-pole recursion y[n] = x[n] + p y[n-1] runs
as a cumulative sum over chunks short enough that p^-k stays well inside float64's
precision, with the chunk ends joined afterwards (their influence dies out within a few
chunks, so the join is a short, exact-to-rounding sum). The result equals the sample-by-
sample recursion to about 1e-12 of the signal, whatever the block sizes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

# p^-k may grow to this inside one chunk: the rounding error stays near 1e-16 * REACH.
REACH = 1e4
MAX_CHUNK_N = 8192
NEGLIGIBLE = 1e-18  # a chunk's end stops mattering once scaled below this
SHORT_N = 64  # blocks this short are cheaper sample by sample than in arrays


class OnePole:
    """y[n] = x[n] + p * y[n-1] (p real or complex, |p| < 1), state carried across calls."""

    def __init__(self, p: complex | float) -> None:
        radius = abs(p)
        if not 0.0 < radius < 1.0:
            raise ValueError(f"a stable non-zero pole is needed, got {p}")
        self.chunk_n = int(max(1, min(MAX_CHUNK_N, math.log(REACH) / -math.log(radius))))
        self.dtype = np.complex128 if isinstance(p, complex) else np.float64
        k = np.arange(self.chunk_n, dtype=np.float64)[:, None]
        self._up = (p**-k).astype(self.dtype)
        self._down = (p**k).astype(self.dtype)
        self._down1 = (p ** (k + 1)).astype(self.dtype)
        self._q = p**self.chunk_n  # how much of one chunk's end reaches the next chunk's end
        self._terms = 1
        while abs(self._q) ** self._terms > NEGLIGIBLE:
            self._terms += 1
        self.state = self.dtype(0)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        n = len(x)
        if n <= SHORT_N:
            return self._one_by_one(x)
        chunk_n = self.chunk_n
        chunks = -(-n // chunk_n)
        flat = np.zeros(chunks * chunk_n, self.dtype)
        flat[:n] = x
        # one chunk per column, so the cumulative sum adds whole rows (fast in numpy)
        y = flat.reshape(chunks, chunk_n).T * self._up
        np.cumsum(y, axis=0, out=y)
        y *= self._down  # each chunk's response from a zero start
        ends = y[-1].copy()
        carried = ends.copy()  # the true end of each chunk: its own plus earlier ones
        scale = self._q
        for shift in range(1, min(self._terms, chunks)):
            carried[shift:] += scale * ends[:-shift]
            scale *= self._q
        with np.errstate(under="ignore"):
            carried += self.state * self._q ** np.arange(1, chunks + 1, dtype=np.float64)
        before = np.empty(chunks, self.dtype)
        before[0] = self.state
        before[1:] = carried[:-1]
        y += self._down1 * before[None, :]
        out = y.T.reshape(-1)[:n]
        self.state = out[-1]
        return out

    def _one_by_one(self, x: np.ndarray) -> np.ndarray:
        out = np.empty(len(x), self.dtype)
        state, p = self.state, self._down1[0, 0]
        for i, value in enumerate(x.tolist()):
            state = value + p * state
            out[i] = state
        self.state = self.dtype(state)
        return out


class Biquad:
    """One second-order section, b / a (a[0] == 1), on real float64 samples."""

    def __init__(self, b: Sequence[float], a: Sequence[float]) -> None:
        self.b = tuple(float(v) for v in b)
        a1, a2 = float(a[1]), float(a[2])
        discriminant = a1 * a1 - 4.0 * a2
        self._pair: OnePole | None = None
        self._cascade: tuple[OnePole, ...] = ()
        if discriminant < -1e-12:  # a complex pair: one complex recursion, real part x2
            p = complex(-a1 / 2.0, math.sqrt(-discriminant) / 2.0)
            self._pair = OnePole(p)
            self._residue = p / (p - p.conjugate())
        else:  # real poles (a double one too): two real recursions in turn
            root = math.sqrt(max(0.0, discriminant))
            self._cascade = (OnePole((-a1 + root) / 2.0), OnePole((-a1 - root) / 2.0))
        self._history = np.zeros(2)  # the last two all-pole outputs, for the numerator

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if self._pair is not None:
            w = 2.0 * (self._residue * self._pair(x)).real
        else:
            w = x
            for pole in self._cascade:
                w = pole(w)
        if not len(w):
            return w
        padded = np.concatenate([self._history, w])
        b0, b1, b2 = self.b
        y = b0 * padded[2:] + b1 * padded[1:-1] + b2 * padded[:-2]
        self._history = padded[-2:].copy()
        return y


class Cascade:
    """Second-order sections in series (rows of b0 b1 b2 1 a1 a2, as scipy's sos)."""

    def __init__(self, sos: np.ndarray) -> None:
        self.sections = [Biquad(row[:3], row[3:]) for row in np.asarray(sos, dtype=np.float64)]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        y = np.asarray(x, dtype=np.float64)
        for section in self.sections:
            y = section(y)
        return y
