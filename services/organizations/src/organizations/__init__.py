"""The registry: the area tree, organisations, their members, partner API keys and bulk imports."""
