"""The partner's events pushed to them: webhooks (signed, retried deliveries) and the live stream."""
