"""Schema of backup metadata as agents post it."""

from freezer_api.schemas import common

_NON_EMPTY = {'type': 'string', 'minLength': 1}

CREATE = {
    'type': 'object',
    'additionalProperties': True,
    'properties': {
        'container': _NON_EMPTY,
        'hostname': _NON_EMPTY,
        'backup_name': _NON_EMPTY,
        'status': {'enum': common.BACKUP_STATUSES},
    },
    'required': ['container', 'hostname', 'backup_name'],
}

PATCH = {
    'type': 'object',
    'additionalProperties': False,
    'properties': {
        'status': {'enum': common.BACKUP_STATUSES},
        'backup_metadata': {'type': 'object'},
    },
    'minProperties': 1,
}
