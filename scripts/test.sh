#!/usr/bin/env bash
# The README's test command: install softpace and its test dependencies into a fresh
# virtualenv (only Python 3.11+ needed), then lint, type-check and run the whole suite.
# Extra arguments go to pytest, e.g. scripts/test.sh -m "not slow".
# The browser test needs Debian's chromium and chromium-driver: installed here when
# missing (as root, or through sudo). SOFTPACE_REQUIRE_BROWSER=0 lets it skip instead.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${SOFTPACE_TEST_VENV:-.venv-test}"
export SOFTPACE_REQUIRE_BROWSER="${SOFTPACE_REQUIRE_BROWSER:-1}"

if [ "$SOFTPACE_REQUIRE_BROWSER" = 1 ] && ! { command -v chromium && command -v chromedriver; } >/dev/null; then
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo -n"; fi
    echo "Installing chromium and chromium-driver for the browser test..." >&2
    if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
            $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver; } >/dev/null; then
        echo "Could not install chromium (needs apt-get and root or sudo); the browser test" \
             "will fail. Install them yourself, or set SOFTPACE_REQUIRE_BROWSER=0 to skip it." >&2
    fi
fi

"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
# An editable install: the tests always import this working tree (a regular install in a
# reused virtualenv could test stale code). The package data is read through importlib
# resources either way; tests/test_packaging.py checks a built wheel carries it.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test]"
"$VENV/bin/python" - <<'PY'
import pathlib, softpace
here = pathlib.Path("src/softpace").resolve()
assert pathlib.Path(softpace.__file__).resolve().parent == here, (softpace.__file__, here)
PY

"$VENV/bin/ruff" check src tests scripts
"$VENV/bin/ruff" format --check src tests scripts
"$VENV/bin/mypy"
# Every core (pytest-xdist); the slow tests are included: this is the full suite.
"$VENV/bin/python" -m pytest -q -n auto "$@"
