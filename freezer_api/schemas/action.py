"""Schema of an action (a stored freezer_action with retry settings)."""

from freezer_api.schemas import common

CREATE = {
    'type': 'object',
    'additionalProperties': True,
    'properties': {
        'action_id': common.ID,
        'user_id': common.ID,
        'project_id': common.ID,
        'freezer_action': common.FREEZER_ACTION,
        'max_retries': common.INT,
        'max_retries_interval': common.INT,
        'mandatory': {'type': 'boolean'},
    },
    'required': ['freezer_action'],
}

PATCH = common.patch_of(CREATE)
