"""The benchmarks run by scripts/bench.py (see its docstring)."""
