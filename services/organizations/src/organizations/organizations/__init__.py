"""Organisations: registration, search, changes of profile and status, and their Party hierarchy."""
