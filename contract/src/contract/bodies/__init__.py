"""The bodies of the services' write routes that partners send through the gateway's partner
API and the portal sends for its visitors: declared once, validated by the gateway and by the
service alike, and shown as request schemas in both OpenAPI documents."""
