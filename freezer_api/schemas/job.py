"""Schema of a job: its actions and its schedule."""

from freezer_api.schemas import common

JOB_ACTION = {
    'type': 'object',
    'additionalProperties': True,
    'properties': {
        'freezer_action': common.FREEZER_ACTION,
        'action_id': common.ID,
        'max_retries': common.INT,
        'max_retries_interval': common.INT,
        'mandatory': {'type': 'boolean'},
    },
    'required': ['freezer_action'],
}

CREATE = {
    'type': 'object',
    'additionalProperties': False,
    'properties': {
        'job_id': common.ID,
        'client_id': {'type': 'string', 'maxLength': 255,
                      'pattern': common.CLIENT_ID_PATTERN},
        'user_id': common.ID,
        'project_id': common.ID,
        'description': common.NULLABLE_STRING,
        'job_actions': {'type': 'array', 'items': JOB_ACTION},
        'job_schedule': common.SCHEDULE,
        'action_defaults': common.FREEZER_ACTION,
        'session_id': {'type': ['string', 'null'],
                       'pattern': r'^[\w-]*$'},
        'session_tag': common.INT,
        'session_name': common.NULLABLE_STRING,
        'user_credentials': {'type': 'object'},
        '_version': common.INT,
    },
    'required': ['job_actions', 'job_schedule', 'client_id'],
}

PATCH = common.patch_of(CREATE)

EVENT = {
    'type': 'object',
    'minProperties': 1,
    'maxProperties': 1,
    'patternProperties': {'^(start|stop|abort)$': {}},
    'additionalProperties': False,
}
