"""Proposals: made from the index, decided by both sides, expired when nobody answers."""
