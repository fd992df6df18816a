from __future__ import annotations

import numpy as np
from mutagen.id3 import ID3
from mutagen.mp3 import MP3, BitrateMode

from softpace.audio.encode import ENCODER_DELAY_N, encode_mp3
from softpace.publish.tags import SessionTags, tag_bytes
from tests.conftest import decode_mp3

SR = 44_100


def test_delay_compensation_lines_decoded_audio_up_with_the_timeline(tmp_path):
    """A click placed at sample k of the session decodes at sample k (within 1 ms)."""
    session = np.zeros(5 * SR, dtype=np.int16)
    marks = [SR, 2 * SR + 12_345, 4 * SR]
    for k in marks:
        session[k : k + 40] = 20_000
    path = tmp_path / "x.mp3"
    encode_mp3([session[ENCODER_DELAY_N:]], path, SR)
    audio, rate = decode_mp3(path)
    assert rate == SR
    assert abs(len(audio) - len(session)) < 0.04 * SR
    for k in marks:
        window = audio[k - 2000 : k + 2000]
        found = k - 2000 + int(np.argmax(np.abs(window)))
        assert abs(found - k) < 0.001 * SR


def test_constant_bit_rate_and_tags(tmp_path):
    path = tmp_path / "x.mp3"
    t = np.arange(3 * SR) / SR
    tags = SessionTags(
        title="2. Entrance contact", artist="softpace", album="Plan", track=2, track_total=6
    )
    samples = (np.sin(2 * np.pi * 220 * t) * 8000).astype(np.int16)
    encode_mp3([samples], path, SR, header=tag_bytes(tags))
    info = MP3(path).info
    assert info.sample_rate == 44_100 and info.channels == 1
    assert info.bitrate == 96_000
    # no Xing/Info header, so mutagen cannot be told; the frame walk below proves CBR
    assert info.bitrate_mode in (BitrateMode.CBR, BitrateMode.UNKNOWN)
    id3 = ID3(path)
    assert str(id3["TIT2"]) == "2. Entrance contact"
    assert str(id3["TPE1"]) == "softpace" and str(id3["TALB"]) == "Plan"
    assert str(id3["TRCK"]) == "2/6"
    # every frame has the same size: constant bit rate
    data = path.read_bytes()
    assert data[:3] == b"ID3"
    tag_size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
    pos = 10 + tag_size
    sizes = set()
    frames = 0
    while pos + 4 <= len(data) and data[pos] == 0xFF and (data[pos + 1] & 0xE0) == 0xE0:
        bitrate_index = data[pos + 2] >> 4
        assert bitrate_index == 7  # 96 kbps in the MPEG-1 layer III table
        padding = (data[pos + 2] >> 1) & 1
        size = 144 * 96_000 // SR + padding
        sizes.add(size - padding)
        pos += size
        frames += 1
    assert sizes == {144 * 96_000 // SR}
    assert frames * 1152 >= 3 * SR and pos == len(data)
