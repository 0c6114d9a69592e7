"""Validate a body against a schema and say what is wrong in one line."""

import functools

import jsonschema

from freezer_api import exception


@functools.lru_cache(maxsize=None)
def _validator(schema_id):
    schema = _SCHEMAS[schema_id]
    return jsonschema.Draft7Validator(schema)


_SCHEMAS = {}


def _describe(error):
    path = '.'.join(str(p) for p in error.absolute_path)
    message = error.message.splitlines()[0]
    if len(message) > 200:
        message = message[:200] + '...'
    return '%s: %s' % (path, message) if path else message


def validate(schema, body, what='document'):
    """Raise ``InvalidDocument`` unless ``body`` satisfies ``schema``."""
    _SCHEMAS.setdefault(id(schema), schema)
    error = jsonschema.exceptions.best_match(
        _validator(id(schema)).iter_errors(body))
    if error is not None:
        raise exception.InvalidDocument(
            'Invalid %s: %s' % (what, _describe(error)))
