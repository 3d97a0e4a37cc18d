"""The read-only JSON API under /api/v1/, its OpenAPI description and its page (docs/developers/api.md)."""
