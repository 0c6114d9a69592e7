"""The built-in HTTP/1.1 server of ``freezer-api`` (bounded pool, JSON errors)."""
