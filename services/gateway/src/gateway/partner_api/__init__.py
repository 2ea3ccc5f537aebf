"""The partner API under /api/v1: partners act as their organisation, with an API key and its scopes."""
