"""What a session is called where others can see it: file name, title, album, chapters.

A phone shows titles on its lock screen, so a discreet label says nothing intimate:
files `practice-3.mp3`, title "Evening practice 3", chapters "Part 1", "Part 2", ...
and a neutral cover.
"""

from __future__ import annotations

from dataclasses import dataclass

from softpace.plan.model import Plan, Stage

ARTIST = "softpace"
DISCREET_ALBUM = "Evening practice"
PLAYLIST_NAME = "playlist.m3u8"


@dataclass(frozen=True)
class Label:
    stage_id: str
    number: int
    track_total: int
    stem: str  # file name without extension
    title: str
    album: str
    artist: str
    discreet: bool

    @property
    def mp3(self) -> str:
        return f"{self.stem}.mp3"

    @property
    def lrc(self) -> str:
        return f"{self.stem}.lrc"

    @property
    def vtt(self) -> str:
        return f"{self.stem}.vtt"

    def chapter_title(self, number: int, segment_title: str) -> str:
        return f"Part {number}" if self.discreet else segment_title

    @property
    def comment(self) -> str:
        return "" if self.discreet else f"softpace session: {self.stage_id}"


def label_for(plan: Plan, stage: Stage, discreet: bool = False) -> Label:
    if discreet:
        return Label(
            stage_id=stage.id,
            number=stage.number,
            track_total=len(plan.stages),
            stem=f"practice-{stage.number}",
            title=f"{DISCREET_ALBUM} {stage.number}",
            album=DISCREET_ALBUM,
            artist=DISCREET_ALBUM,
            discreet=True,
        )
    return Label(
        stage_id=stage.id,
        number=stage.number,
        track_total=len(plan.stages),
        stem=stage.id,
        title=f"{stage.number}. {stage.title}",
        album=plan.title,
        artist=ARTIST,
        discreet=False,
    )
