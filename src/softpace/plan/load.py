"""Read a plan data file (TOML) and validate it into a Plan; every error names file and line."""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from softpace.errors import PlanError
from softpace.plan.fields import FieldReader, show
from softpace.plan.model import (
    DEFAULT_REFERRAL,
    ComfortRule,
    Exercise,
    Item,
    Modifier,
    Option,
    Plan,
    ProgressRule,
    Span,
    Stage,
)

_TOML_POSITION = re.compile(r"at line (\d+), column \d+")

BUILTIN_PLAN = "home-plan.toml"


def builtin_plan_path() -> Path:
    return Path(str(resources.files("softpace.plan") / "data" / BUILTIN_PLAN))


def load_plan(path: Path | None = None) -> Plan:
    """Load and validate a plan file; the built-in home plan when `path` is None."""
    if path is None:
        text = (resources.files("softpace.plan") / "data" / BUILTIN_PLAN).read_text("utf-8")
        path = builtin_plan_path()
    else:
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise PlanError(f"{path}: cannot read the plan file ({exc.strerror})") from exc
        except UnicodeDecodeError as exc:
            raise PlanError(f"{path}: the plan file is not UTF-8 text") from exc
    return parse_plan(text, path)


def parse_plan(text: str, path: Path) -> Plan:
    """The plan in `text` (read from `path`, which error messages name). A Plan is frozen,
    so the same text from the same path parses once per process (every operation of the
    app and the web pages loads the plan)."""
    return _parse_plan(text, path)


@functools.lru_cache(maxsize=4)
def _parse_plan(text: str, path: Path) -> Plan:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_POSITION.search(str(exc))
        line = match.group(1) if match else "?"
        raise PlanError(f"{path}:{line}: not valid TOML: {exc}") from exc
    return _Validator(text, path).plan(data)


class _Validator(FieldReader):
    """Turns raw TOML data into a Plan."""

    # -- the plan -------------------------------------------------------
    def plan(self, data: dict[str, Any]) -> Plan:
        top = ("", None)
        self.no_unknown(
            data,
            {
                "schema",
                "title",
                "source",
                "comfort_rule",
                "progress",
                "session",
                "breath",
                "circuit",
                "steps",
                "strength",
                "stages",
                "troubleshooting",
                "red_flags",
                "safety",
            },
            top,
        )
        schema = self.get(data, "schema", int, top)
        if schema != 1:
            raise self.fail(("", None, "schema"), f"version {schema} is not supported (expected 1)")

        rule = self.comfort_rule(self.get(data, "comfort_rule", dict, top))
        progress = self.progress(self.get(data, "progress", dict, top, {}))
        session_raw = self.get(data, "session", dict, top)
        breath_raw = self.get(data, "breath", dict, top)

        exercises: list[Exercise] = []
        for kind, table in (("circuit", "circuit"), ("step", "steps"), ("strength", "strength")):
            for index, raw in enumerate(self.table_list(data, table)):
                exercises.append(self.exercise(raw, kind, (table, index)))
        self._unique([e.id for e in exercises], "exercise ids", "circuit")
        if not exercises:
            raise self.fail(("circuit", None, None), "the plan has no exercises")

        known = {e.id for e in exercises}
        stages = [
            self.stage(raw, index, known)
            for index, raw in enumerate(self.table_list(data, "stages"))
        ]
        if not stages:
            raise self.fail(("stages", None, None), "the plan has no stages ([[stages]])")
        self._unique([s.id for s in stages], "stage ids", "stages")

        return Plan(
            title=self.text(data, "title", top),
            source_path=self.path,
            comfort_rule=rule,
            inhale_s=self.number(breath_raw, "inhale_s", ("breath", None), minimum=1),
            exhale_s=self.number(breath_raw, "exhale_s", ("breath", None), minimum=1),
            opening_s=self.number(session_raw, "opening_s", ("session", None), minimum=10),
            close_s=self.number(session_raw, "close_s", ("session", None), minimum=10),
            exercises=tuple(exercises),
            stages=tuple(stages),
            troubleshooting=self.items(data, "troubleshooting", with_fixes=True),
            red_flags=self.items(data, "red_flags", with_fixes=False),
            progress=progress,
            referral=self.safety(self.get(data, "safety", dict, top, {})),
        )

    def comfort_rule(self, raw: dict[str, Any]) -> ComfortRule:
        where = ("comfort_rule", None)
        self.no_unknown(
            raw,
            {"max_discomfort", "scale_max", "step_back_hours", "low_anchor", "high_anchor"},
            where,
        )
        scale_max = self.whole(raw, "scale_max", where, minimum=1)
        limit = self.whole(raw, "max_discomfort", where, minimum=0)
        if limit >= scale_max:
            raise self.fail(
                (where[0], where[1], "max_discomfort"),
                f"must be from 0 to {scale_max - 1} (below scale_max = {scale_max}), got {limit}",
            )
        defaults = ComfortRule(0, 1, Span(24, 72))
        return ComfortRule(
            max_discomfort=limit,
            scale_max=scale_max,
            step_back_hours=self.span(raw, "step_back_hours", where) or Span(24, 72),
            low_anchor=self.text(raw, "low_anchor", where)
            if "low_anchor" in raw
            else defaults.low_anchor,
            high_anchor=self.text(raw, "high_anchor", where)
            if "high_anchor" in raw
            else defaults.high_anchor,
        )

    def safety(self, raw: dict[str, Any]) -> str:
        where = ("safety", None)
        self.no_unknown(raw, {"referral"}, where)
        if "referral" not in raw:
            return DEFAULT_REFERRAL
        return self.text(raw, "referral", where)

    def whole(
        self, raw: dict[str, Any], key: str, where: tuple[str, int | None], minimum: int
    ) -> int:
        value = self.number(raw, key, where, minimum=minimum)
        if value != int(value):
            raise self.fail((where[0], where[1], key), f"must be a whole number, got {value:g}")
        return int(value)

    def progress(self, raw: dict[str, Any]) -> ProgressRule:
        """[progress]: optional; every key defaults to softpace's documented number."""
        where = ("progress", None)
        defaults = ProgressRule()
        names = ("advance_easy_days", "consistent_easy_days", "stall_days", "symptom_window_days")
        self.no_unknown(raw, set(names), where)
        values = {}
        for name in names:
            value = self.get(raw, name, int, where, getattr(defaults, name))
            if value < 1:
                raise self.fail((where[0], where[1], name), f"must be at least 1, got {value}")
            values[name] = value
        return ProgressRule(**values)

    def _unique(self, ids: list[str], what: str, table: str) -> None:
        seen: set[str] = set()
        for value in ids:
            if value in seen:
                line = next(
                    (
                        n + 1
                        for n, text in enumerate(self.lines)
                        if re.match(rf'^\s*id\s*=\s*"{re.escape(value)}"', text)
                    ),
                    1,
                )
                raise PlanError(f"{self.path}:{line}: duplicate {what[:-1]} {value!r}")
            seen.add(value)

    def exercise(self, raw: dict[str, Any], kind: str, where: tuple[str, int]) -> Exercise:
        allowed = {
            "id",
            "title",
            "minutes",
            "steps",
            "cue",
            "position",
            "number",
            "target",
            "hold_s",
            "repeats",
            "settle_s",
            "check_in_s",
            "sets",
            "reps",
            "distance_m",
            "choose",
            "options",
            "default_choice",
            "spoken",
            "warm_up_s",
            "phrases",
            "positions",
        }
        self.no_unknown(raw, allowed, where)
        options = tuple(
            Option(
                id=self.slug(opt, (f"{where[0]}.options", i)),
                title=self.text(opt, "title", (f"{where[0]}.options", i)),
                steps=self.strings(opt, "steps", (f"{where[0]}.options", i)),
            )
            for i, opt in enumerate(self.get(raw, "options", list, where, []))
        )
        choose = raw.get("choose")
        default_choice = self.strings(raw, "default_choice", where, [])
        if options:
            choose = int(self.number(raw, "choose", where, minimum=1))
            ids = {o.id for o in options}
            if len(default_choice) != choose or not set(default_choice) <= ids:
                raise self.fail(
                    (where[0], where[1], "default_choice"),
                    f"must name {choose} of the options: {', '.join(sorted(ids))}",
                )
        reps = raw.get("reps")
        if reps is not None:
            reps = int(self.number(raw, "reps", where, minimum=1))
        number = raw.get("number")
        if number is not None:
            number = int(self.number(raw, "number", where, minimum=1))
        exercise = Exercise(
            id=self.slug(raw, where),
            kind=kind,
            title=self.text(raw, "title", where),
            minutes=self.span(raw, "minutes", where) or Span(1, 1),
            spoken=raw.get("spoken") and self.text(raw, "spoken", where),
            warm_up_s=self.span(raw, "warm_up_s", where, optional=True),
            phrases=self.strings(raw, "phrases", where, []),
            positions=self.strings(raw, "positions", where, []),
            steps=self.strings(raw, "steps", where),
            cue=self.text(raw, "cue", where),
            position=raw.get("position") and self.text(raw, "position", where),
            number=number,
            target=raw.get("target") and self.text(raw, "target", where),
            hold_s=self.span(raw, "hold_s", where, optional=True),
            repeats=self.span(raw, "repeats", where, optional=True),
            settle_s=self.span(raw, "settle_s", where, optional=True),
            check_in_s=self.span(raw, "check_in_s", where, optional=True),
            sets=self.span(raw, "sets", where, optional=True),
            reps=reps,
            distance_m=self.span(raw, "distance_m", where, optional=True),
            choose=choose,
            options=options,
            default_choice=default_choice,
        )
        self.check_fits_block(exercise, where)
        return exercise

    def check_fits_block(self, ex: Exercise, where: tuple[str, int]) -> None:
        """Holds (times repeats) and a warm-up must leave room in the block, at both ends."""
        for key in ("hold_s", "warm_up_s"):
            span = getattr(ex, key)
            if span is None:
                continue
            repeats = ex.repeats or Span(1, 1)
            for end, value, times, block_min in (
                ("low", span.low, repeats.low, ex.minutes.low),
                ("high", span.high, repeats.high, ex.minutes.high),
            ):
                if value * times >= block_min * 60:
                    raise self.fail(
                        (where[0], where[1], key),
                        f"at the {end} end, {times:g} x {value:g} s does not fit the block "
                        f"(minutes = {show([ex.minutes.low, ex.minutes.high])}, "
                        f"{block_min * 60:g} s); allowed: less than {block_min * 60 / times:g} s",
                    )

    def stage(self, raw: dict[str, Any], index: int, known: set[str]) -> Stage:
        where = ("stages", index)
        self.no_unknown(
            raw,
            {"id", "title", "days", "min_days", "exercises", "requires_consistent_comfort"},
            where,
        )
        exercises = self.strings(raw, "exercises", where)
        if not exercises:
            raise self.fail(("stages", index, "exercises"), "must list at least one exercise")
        for ex_id in exercises:
            if ex_id not in known:
                raise self.fail(
                    ("stages", index, "exercises"),
                    f"unknown exercise {ex_id!r}; known: {', '.join(sorted(known))}",
                )
        return Stage(
            id=self.slug(raw, where),
            number=index + 1,
            title=self.text(raw, "title", where),
            min_days=int(self.number(raw, "min_days", where)),
            exercises=exercises,
            days=self.span(raw, "days", where, optional=True),
            requires_consistent_comfort=bool(
                self.get(raw, "requires_consistent_comfort", bool, where, False)
            ),
        )

    def items(self, data: dict[str, Any], table: str, with_fixes: bool) -> tuple[Any, ...]:
        """Red flags (with_fixes=False) as Items; troubleshooting symptoms as Modifiers."""
        result: list[Item] = []
        for index, raw in enumerate(self.table_list(data, table)):
            where = (table, index)
            if not with_fixes:
                self.no_unknown(raw, {"id", "title", "spoken"}, where)
                result.append(
                    Item(
                        id=self.slug(raw, where),
                        title=self.text(raw, "title", where),
                        spoken=self.text(raw, "spoken", where) if "spoken" in raw else "",
                    )
                )
                continue
            self.no_unknown(
                raw, {"id", "title", "fixes", "shorter", "breath_factor", "changes"}, where
            )
            factor = (
                self.number(raw, "breath_factor", where, minimum=1)
                if ("breath_factor" in raw)
                else 1.0
            )
            if factor > 2:
                raise self.fail(
                    (where[0], where[1], "breath_factor"), f"must be from 1 to 2, got {factor:g}"
                )
            result.append(
                Modifier(
                    id=self.slug(raw, where),
                    title=self.text(raw, "title", where),
                    fixes=self.strings(raw, "fixes", where),
                    shorter=bool(self.get(raw, "shorter", bool, where, False)),
                    breath_factor=factor,
                    changes=self.text(raw, "changes", where) if "changes" in raw else "",
                )
            )
        self._unique([i.id for i in result], f"{table} ids", table)
        return tuple(result)


__all__ = ["builtin_plan_path", "load_plan", "parse_plan"]
