"""The saga an accepted proposal starts: the claim and the booking or request, both made or undone."""
