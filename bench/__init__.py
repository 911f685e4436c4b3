"""Benchmarks: scripts run by hand (`.venv/bin/python bench/NAME.py`), kept out of the test suite."""
