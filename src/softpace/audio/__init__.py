"""Audio: speech preparation, breath tones, the block mixer, MP3 encoding and tags."""
