"""A Timeline as a readable script: chapter headings, mm:ss and the words, breaths summarised."""

from __future__ import annotations

from softpace.timeline import SAMPLE_RATE_HZ, Timeline, format_mmss


def format_script(timeline: Timeline) -> str:
    lines = [
        f"# {timeline.title} ({timeline.stage}), {format_mmss(timeline.duration_s)}",
        f"# breath: in {timeline.inhale_s:g} s, out {timeline.exhale_s:g} s",
        "",
    ]
    segments = iter(timeline.segments)
    next_segment = next(segments, None)
    breath_run: list[int] = []  # start of the run, cycles

    def flush() -> None:
        if breath_run:
            start, cycles = breath_run
            lines.append(
                f"{format_mmss(start / SAMPLE_RATE_HZ)}  ~ breathe, {cycles} "
                f"cycle{'s' if cycles != 1 else ''}"
            )
            breath_run.clear()

    for event in timeline.events:
        while next_segment is not None and event.start_n >= next_segment.start_n:
            flush()
            lines.append(f"\n{format_mmss(next_segment.start_s)}  == {next_segment.title} ==")
            next_segment = next(segments, None)
        if event.kind == "inhale":
            if breath_run:
                breath_run[1] += 1
            else:
                breath_run.extend([event.start_n, 1])
            continue
        if event.kind in ("exhale", "pause"):
            continue
        flush()
        at = format_mmss(event.start_s)
        if event.kind == "speech":
            lines.append(f"{at}  {event.text}")
        elif event.kind == "hold":
            lines.append(f"{at}  [{event.text}]")
        elif event.kind == "bell":
            lines.append(f"{at}  (bell)")
    flush()
    lines.append(f"\n{format_mmss(timeline.duration_s)}  end")
    return "\n".join(lines) + "\n"
