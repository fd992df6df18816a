"""MP3 encoding (lameenc, in-process, constant bit rate); the ID3 tag comes from audio.tags.

lameenc writes no Xing/LAME header, so decoders do not remove the encoder's start
delay; the mixer is started ENCODER_DELAY_N samples into the session (the lead-in is
silence), so decoded audio lines up with the Timeline.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

# Measured: a click at sample k decodes at k + 1105..1106 (576 encoder + 529 decoder delay).
ENCODER_DELAY_N = 1105
BITRATE_KBPS = 96
LAME_QUALITY = 5  # 2 = best, 7 = fastest; 5 is lame's own default trade-off
QUEUE_BLOCKS = 4  # blocks waiting for the encoder thread (4 s each)


def new_encoder(sample_rate_hz: int, bitrate_kbps: int = BITRATE_KBPS):  # type: ignore[no-untyped-def]
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate_kbps)
    encoder.set_in_sample_rate(sample_rate_hz)
    encoder.set_channels(1)
    encoder.set_quality(LAME_QUALITY)
    return encoder


def encode_mp3(
    blocks: Iterable[np.ndarray],
    path: Path,
    sample_rate_hz: int,
    progress: Callable[[int], None] | None = None,
    header: bytes = b"",
) -> int:
    """Encode int16 mono blocks into `path` after `header` (an ID3 tag); returns the number
    of samples encoded.

    The encoder runs in a second thread (lame releases the GIL), so producing the
    blocks (mixing) and encoding them overlap on two cores. A few blocks are queued at
    most; an error on either side stops both and is raised here.
    """
    encoder = new_encoder(sample_rate_hz)
    pending: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUE_BLOCKS)
    failures: list[BaseException] = []
    total = 0
    with open(path, "wb") as handle:
        handle.write(header)

        def drain() -> None:
            try:
                while (pcm := pending.get()) is not None:
                    handle.write(encoder.encode(pcm))
                handle.write(encoder.flush())
            except BaseException as exc:  # handed to the producer's thread below
                failures.append(exc)
                while pending.get() is not None:
                    pass

        worker = threading.Thread(target=drain, name="softpace-mp3", daemon=True)
        worker.start()
        try:
            for block in blocks:
                if failures:
                    break
                pending.put(np.ascontiguousarray(block, dtype="<i2").tobytes())
                total += len(block)
                if progress is not None:
                    progress(len(block))
        finally:
            pending.put(None)
            worker.join()
    if failures:
        raise failures[0]
    return total
