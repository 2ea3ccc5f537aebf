"""Partner API keys: issued, rotated and revoked by an organisation, verified for the gateway."""
