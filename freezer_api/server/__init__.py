"""The built-in HTTP/1.1 server of ``freezer-api``.

A bounded pool of workers; errors in the one JSON shape.
"""
