"""Schema of a session and of its start/end actions."""

from freezer_api.schemas import common

#: A session tag; as a string, ASCII digits that fit in 64 bits.
_TAG = {'type': ['integer', 'string'], 'pattern': r'^[0-9]{1,18}$'}

CREATE = {
    'type': 'object',
    'additionalProperties': True,
    'properties': {
        'session_id': common.ID,
        'user_id': common.ID,
        'project_id': common.ID,
        'session_tag': {'type': 'integer', 'minimum': 0},
        'description': common.NULLABLE_STRING,
        'hold_off': {'type': 'integer', 'minimum': 0},
        'schedule': common.SCHEDULE,
        'time_start': common.INT,
        'time_end': common.INT,
        'time_started': common.INT,
        'time_ended': common.INT,
        'status': {'enum': ['active', 'running', 'completed']},
        'result': {'enum': ['', 'success', 'fail']},
    },
    'required': ['schedule'],
}

REPLACE = dict(CREATE, required=['schedule', 'session_tag'])

PATCH = common.patch_of(CREATE)

START = {
    'type': 'object',
    'additionalProperties': True,
    'properties': {'job_id': common.ID, 'current_tag': _TAG},
    'required': ['job_id', 'current_tag'],
}

# NOTE: upstream's end reads only job_id and result, and clients leave the
# tag out (or send null); a tag, when sent, must still be the session's.
END = {
    'type': 'object',
    'additionalProperties': True,
    'properties': {'job_id': common.ID,
                   'current_tag': dict(_TAG, type=_TAG['type'] + ['null']),
                   'result': {'enum': ['success', 'fail', 'aborted']}},
    'required': ['job_id', 'result'],
}

ACTION = {
    'type': 'object',
    'minProperties': 1,
    'maxProperties': 1,
    'properties': {'start': START, 'end': END},
    'additionalProperties': False,
}
