#!/usr/bin/env bash
# The README's test command: install softpace and its test dependencies into a fresh
# virtualenv (only Python 3.11+ needed), then lint, type-check and run the whole suite.
# Extra arguments go to pytest, e.g. scripts/test.sh -m "not slow".
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${SOFTPACE_TEST_VENV:-.venv-test}"

"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
# A regular (non-editable) install, so the tests see the package data as users get it.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check ".[test]"

"$VENV/bin/ruff" check src tests scripts
"$VENV/bin/ruff" format --check src tests scripts
"$VENV/bin/mypy"
"$VENV/bin/python" -m pytest -q "$@"
