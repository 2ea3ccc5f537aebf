"""Runs the organisation registry: `python -m organizations`."""

from organizations.main import run

run()
