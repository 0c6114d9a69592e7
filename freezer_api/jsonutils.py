"""Fast JSON for what the service writes and for what it stored itself.

Request bodies are decoded by the stdlib (exact integers, strict checks in
``api/body.py``); documents that passed those checks are then encoded and
decoded with orjson, which is several times faster on the hot paths (lists
of a hundred documents, every stored body).
"""

import orjson


def dumps(value):
    """Compact JSON of ``value`` as bytes."""
    return orjson.dumps(value)


def dumps_text(value):
    """Compact JSON of ``value`` as text."""
    return orjson.dumps(value).decode('utf-8')


def loads(data):
    """Decode JSON text or bytes."""
    return orjson.loads(data)
