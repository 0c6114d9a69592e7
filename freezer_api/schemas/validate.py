"""Validate a body against a schema and say what is wrong in one line."""

import jsonschema

from freezer_api import exception

#: id(schema) -> (schema, validator). Schemas are module constants; keeping
#: the schema in the value keeps its id from being reused.
_VALIDATORS = {}


def _validator(schema):
    found = _VALIDATORS.get(id(schema))
    if found is None:
        found = _VALIDATORS[id(schema)] = (
            schema, jsonschema.Draft7Validator(schema))
    return found[1]


def _describe(error):
    path = '.'.join(str(p) for p in error.absolute_path)
    message = error.message.splitlines()[0]
    if len(message) > 200:
        message = message[:200] + '...'
    return '%s: %s' % (path, message) if path else message


def validate(schema, body, what='document'):
    """Raise ``InvalidDocument`` unless ``body`` satisfies ``schema``."""
    error = jsonschema.exceptions.best_match(
        _validator(schema).iter_errors(body))
    if error is not None:
        raise exception.InvalidDocument(
            'Invalid %s: %s' % (what, _describe(error)))
