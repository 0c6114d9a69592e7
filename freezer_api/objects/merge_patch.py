"""JSON merge patches (RFC 7386): the body of a PATCH sent as
``application/merge-patch+json``.

A ``MergePatch`` is a dict that says it is one, so that the document rules
(``documents.merge``) apply RFC 7386 instead of the plain JSON merge of an
``application/json`` PATCH: objects merge recursively, any other value
(arrays included) replaces, and a ``null`` removes the key.
"""

from freezer_api.schemas import common


class MergePatch(dict):
    """A PATCH body with RFC 7386 semantics."""


def apply(target, patch):
    """Return ``target`` with the merge patch ``patch`` applied (neither is
    changed); RFC 7386 section 2.
    """
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = apply(result.get(key), value)
    return result


def like(patch, items):
    """``items`` (a dict) as the same kind of patch as ``patch``."""
    return MergePatch(items) if isinstance(patch, MergePatch) else items


#: id(PATCH schema) -> (schema, its merge patch form); schemas are module
#: constants, and the validators are cached by the derived schema's id.
_SCHEMAS = {}


def schema_of(patch_schema):
    """The (cached) merge patch form of ``patch_schema``."""
    found = _SCHEMAS.get(id(patch_schema))
    if found is None:
        found = _SCHEMAS[id(patch_schema)] = (
            patch_schema, common.merge_patch_of(patch_schema))
    return found[1]
