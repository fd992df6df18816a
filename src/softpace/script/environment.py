"""The one Jinja environment: strict undefined, our filters, templates shipped as package data.

Its loader tags every template line that ends outside a Jinja tag with the line's origin
("exercises/jaw-pelvic-pairing.j2:7"), after cues.ORIGIN_MARK. The tags travel with the
rendered text into the cue parser, so a cue that is malformed or does not fit its slot is
reported at the template line that wrote it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jinja2

from softpace.errors import TemplateError
from softpace.script.cues import ORIGIN_MARK

_TAG_OPEN = re.compile(r"\{[%{#]")
_TAG_CLOSE = {"{%": "%}", "{{": "}}", "{#": "#}"}


def tag_lines(source: str, name: str) -> str:
    """Append an origin tag to each line with output text outside Jinja block tags/comments.

    Lines that are only block tags stay untouched, so trim_blocks still eats them, and
    lines inside a multi-line tag are never touched.
    """
    out = []
    closer: str | None = None
    for number, line in enumerate(source.split("\n"), start=1):
        pos = 0
        has_output = False
        while True:
            if closer is not None:
                found = line.find(closer, pos)
                if found < 0:
                    break
                pos, closer = found + 2, None
            match = _TAG_OPEN.search(line, pos)
            text_before = line[pos : match.start() if match else len(line)]
            has_output = has_output or bool(text_before.strip())
            if not match:
                break
            if match.group() == "{{":
                has_output = True
            closer, pos = _TAG_CLOSE[match.group()], match.end()
        if closer is None and has_output:
            line = f"{line}{ORIGIN_MARK}{name}:{number}"
        out.append(line)
    return "\n".join(out)


class _TaggingLoader(jinja2.BaseLoader):
    def __init__(self, inner: jinja2.BaseLoader) -> None:
        self.inner = inner

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.inner.get_source(environment, template)
        return tag_lines(source, template), filename, uptodate

    def list_templates(self) -> list[str]:
        return self.inner.list_templates()


def _seconds(value: float) -> str:
    """45.0 -> '45', 22.5 -> '22.5' (for cue lines and speech)."""
    return f"{float(value):g}"


_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def spoken_number(value: float) -> str:
    """A whole number from 0 to 999 as words for the ear: 45 -> 'forty-five'."""
    n = round(value)
    if not 0 <= n <= 999:
        return str(n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(n, 100)
    return f"{_ONES[hundreds]} hundred" + (f" and {spoken_number(rest)}" if rest else "")


def _spoken_minutes(seconds: float) -> str:
    """150 -> 'two and a half minutes', 60 -> 'one minute', 45 -> 'forty-five seconds'."""
    minutes, rest = divmod(round(seconds), 60)
    if minutes == 0:
        return f"{spoken_number(rest)} seconds"
    base = spoken_number(minutes)
    if rest == 30:
        return f"{base} and a half minutes"
    plural = "s" if minutes != 1 else ""
    if rest == 0:
        return f"{base} minute{plural}"
    return f"{base} minute{plural} and {spoken_number(rest)} seconds"


def make_environment(template_dirs: Sequence[Path] = ()) -> jinja2.Environment:
    """User template folders (if any) are searched before the shipped templates.

    One environment per set of folders, kept: it caches compiled templates (and reloads
    any whose file changed), which makes a session's rendering ~20x faster.
    """
    return _environment(tuple(template_dirs))


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's own cache of compiled templates (in a private 0700 folder it makes in the
    temp directory), so a process does not compile every template again: about 0.07 s of
    each render. A cache that cannot be read or written is only a slower render.

    Jinja checks a cached template against its source text only; the environment's
    options, the tagging loader and Jinja itself live in code, so the file names carry
    a digest of softpace's source and Jinja's version: after any upgrade, nothing
    compiled before is used."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:  # Jinja itself ignores a file cut short or not its own
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache(template_dirs: tuple[Path, ...]) -> jinja2.BytecodeCache | None:
    """For the shipped templates only (a user's own template folder is compiled afresh,
    so passing folders leaves nothing behind)."""
    if template_dirs:
        return None
    from softpace.renderset import code_version

    version = hashlib.sha256(f"{code_version()} {jinja2.__version__}".encode()).hexdigest()
    try:
        return _QuietBytecodeCache(pattern=f"softpace-{version[:16]}-%s.cache")
    except (OSError, RuntimeError):  # no private temp folder to be had: compile each time
        return None


@functools.lru_cache(maxsize=8)
def _environment(template_dirs: tuple[Path, ...]) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader([str(d) for d in template_dirs])]
    loaders.append(jinja2.PackageLoader("softpace.script", "templates"))
    env = jinja2.Environment(
        loader=_TaggingLoader(jinja2.ChoiceLoader(loaders)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        bytecode_cache=_bytecode_cache(template_dirs),
    )
    env.filters["seconds"] = _seconds
    env.filters["spoken_minutes"] = _spoken_minutes
    env.filters["words"] = spoken_number
    env.filters["spoken_title"] = lambda exercise: exercise.spoken or exercise.title
    env.filters["capfirst"] = lambda text: text[:1].upper() + text[1:]
    return env


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render one template; any Jinja failure becomes a TemplateError naming file and line."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.name or exc.filename or name
        raise TemplateError(f"{where}:{exc.lineno}: template syntax error: {exc.message}") from exc
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(
            f"{name}: template {exc.name!r} not found; every exercise in the plan needs "
            f"a template at exercises/<exercise id>.j2"
        ) from exc
    except (jinja2.UndefinedError, TypeError, ValueError, ZeroDivisionError) as exc:
        raise TemplateError(f"{_template_frame(exc, name)}: {exc}") from exc


def _template_frame(exc: BaseException, fallback: str) -> str:
    """Jinja rewrites tracebacks so template frames carry the template file and line."""
    where = fallback
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            where = f"{_short_template_name(filename)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def _short_template_name(filename: str) -> str:
    marker = "/templates/"
    return filename.split(marker, 1)[1] if marker in filename else filename
