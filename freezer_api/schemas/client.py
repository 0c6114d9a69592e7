"""Schema of a freezer client registration (client_info)."""

from freezer_api.schemas import common


def _list_of(values):
    return {'type': 'array', 'items': {'enum': values}, 'uniqueItems': True}


CLIENT_INFO = {
    'type': 'object',
    'additionalProperties': True,
    'properties': {
        'client_id': {'type': 'string', 'maxLength': 255,
                      'pattern': common.CLIENT_ID_PATTERN},
        'hostname': {'type': 'string', 'maxLength': 255,
                     'pattern': common.FQDN_PATTERN},
        'description': common.NULLABLE_STRING,
        'uuid': common.NULLABLE_STRING,
        'cluster': {'type': ['string', 'null'], 'maxLength': 255},
        'is_central': {'type': 'boolean'},
        'supported_actions': _list_of(common.SUPPORTED_ACTIONS),
        'supported_modes': _list_of(common.SUPPORTED_MODES),
        'supported_storages': _list_of(common.SUPPORTED_STORAGES),
        'supported_engines': _list_of(common.SUPPORTED_ENGINES),
    },
    'required': ['client_id'],
}

PATCH = common.patch_of(CLIENT_INFO)
