"""Requesting services and lendables, each request taking from its resource's capacity for a period."""
