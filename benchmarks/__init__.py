"""Benchmarks of the statistics store (`python3 dev.py bench`; not part of the tests).

Each case runs in a process of its own (so its peak memory is its own) against a scratch ivp
installation under `var/bench/` (its own SQLite database and statistics store), and measures
ivp together with its baselines in the same run: every result is a ratio to a baseline measured
on the same machine a moment before. Results go to `benchmarks/results/<timestamp>.json` and
`.md`; docs/performance.md summarises them. See `python -m benchmarks --help`.
"""
