"""Shared schema pieces: enums, id and host patterns, the schedule."""

SUPPORTED_ACTIONS = ['backup', 'restore', 'info', 'admin', 'exec']
SUPPORTED_MODES = ['fs', 'mongo', 'mysql', 'sqlserver', 'cinder', 'glance',
                   'cindernative', 'nova']
SUPPORTED_STORAGES = ['local', 'swift', 'ssh', 's3', 'ftp', 'ftps']
SUPPORTED_ENGINES = ['tar', 'rsync', 'rsyncv2', 'nova', 'osbrick', 'glance']
BACKUP_STATUSES = ['creating', 'available', 'error', 'deleting', 'deleted']

EVENTS = ['', 'stop', 'start', 'abort', 'remove']
STATUSES = ['', 'completed', 'stop', 'scheduled', 'running', 'aborting',
            'removed']
RESULTS = ['', 'success', 'fail', 'aborted']

# NOTE: \Z, not $: Python's $ also matches before a final newline, so
# 'x\n' would pass as an id.
ID_PATTERN = r'^[\w-]+\Z'
_LABEL = r'(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9])'
FQDN_PATTERN = r'^%s(?:\.%s)*\Z' % (_LABEL, _LABEL)
CLIENT_ID_PATTERN = r'^(?:[\w\-]+_)?%s(?:\.%s)*\Z' % (_LABEL, _LABEL)
# NOTE: [0-9], not \d: Python's \d also matches other scripts' digits.
ISO_DATE_PATTERN = (r'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}'
                    r'(?:\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:?[0-9]{2})?$')
INTERVAL_PATTERN = (r'^(continuous|[0-9]{1,9} +(weeks?|days?|hours?|'
                    r'minutes?|seconds?))$')

ID = {'type': 'string', 'pattern': ID_PATTERN, 'maxLength': 255}
NULLABLE_STRING = {'type': ['string', 'null']}
INT = {'type': 'integer'}

SCHEDULE = {
    'type': 'object',
    'additionalProperties': False,
    'properties': {
        'time_created': INT,
        'time_started': INT,
        'time_ended': INT,
        'current_pid': {'type': ['integer', 'null']},
        'event': {'enum': EVENTS},
        'status': {'enum': STATUSES},
        'result': {'enum': RESULTS},
        'schedule_date': {'type': 'string', 'pattern': ISO_DATE_PATTERN},
        'schedule_start_date': {'type': 'string',
                                'pattern': ISO_DATE_PATTERN},
        'schedule_end_date': {'type': 'string', 'pattern': ISO_DATE_PATTERN},
        'schedule_interval': {'type': 'string',
                              'pattern': INTERVAL_PATTERN},
        'schedule_year': {'type': ['string', 'integer']},
        'schedule_month': {'type': ['string', 'integer']},
        'schedule_day': {'type': ['string', 'integer']},
        'schedule_week': {'type': ['string', 'integer']},
        'schedule_day_of_week': {'type': ['string', 'integer']},
        'schedule_hour': {'type': ['string', 'integer']},
        'schedule_minute': {'type': ['string', 'integer']},
        'schedule_second': {'type': ['string', 'integer']},
        'schedule_time': {'type': 'string', 'pattern': ISO_DATE_PATTERN},
    },
}

FREEZER_ACTION = {
    'type': 'object',
    'additionalProperties': True,
    'properties': {
        'action': {'enum': SUPPORTED_ACTIONS},
        'mode': {'enum': SUPPORTED_MODES + [None]},
        'storage': {'enum': SUPPORTED_STORAGES + [None]},
        'engine_name': {'enum': SUPPORTED_ENGINES + [None]},
        'path_to_backup': NULLABLE_STRING,
        'backup_name': NULLABLE_STRING,
        'container': NULLABLE_STRING,
        'restore_abs_path': NULLABLE_STRING,
    },
}


def patch_of(schema):
    """Return the PATCH form of a document schema: nothing required."""
    patched = dict(schema)
    patched.pop('required', None)
    return patched


def merge_patch_of(schema):
    """Return the RFC 7386 merge patch form of a PATCH schema: nothing
    required, and any field, at any depth of objects, may be null (null
    removes it). The patched document is validated in full afterwards.
    """
    patched = {k: v for k, v in schema.items()
               if k not in ('required', 'properties', 'minProperties')}
    patched['properties'] = {
        name: {'anyOf': [merge_patch_of(prop) if 'properties' in prop
                         else prop, {'type': 'null'}]}
        for name, prop in schema.get('properties', {}).items()}
    return patched
