"""Photos people upload (a wish's proof, a concern's picture): what kind each is, told by its
first bytes rather than by what the client says."""

from __future__ import annotations

SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def photo_type(content: bytes) -> str | None:
    """The photo's media type: JPEG, PNG or WebP; None for anything else."""
    for signature, content_type in SIGNATURES.items():
        if content.startswith(signature):
            return content_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None
