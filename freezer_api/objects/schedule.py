"""Validation of job and session schedules beyond their JSON schema.

Cron-like fields accept what APScheduler's cron trigger accepts: ``*``,
``*/step``, numbers, ``a-b`` ranges with optional ``/step``, comma lists
(spaces allowed), day and month names, and in the day field ``last``,
``last <weekday>`` and ``<nth> <weekday>``. Values out of range are refused,
numbers are ASCII digits, a field is at most ``MAX_FIELD_LENGTH`` characters.
"""

import datetime
import re

from freezer_api import exception

_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
_MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep',
           'oct', 'nov', 'dec']

# field: (min, max, names mapped to numbers)
_FIELDS = {
    'schedule_year': (1970, 9999, {}),
    'schedule_month': (1, 12, {n: i + 1 for i, n in enumerate(_MONTHS)}),
    # NOTE: the seed README's example puts day names in schedule_day.
    'schedule_day': (1, 31, {n: i for i, n in enumerate(_DAYS)}),
    'schedule_week': (1, 53, {}),
    'schedule_day_of_week': (0, 6, {n: i for i, n in enumerate(_DAYS)}),
    'schedule_hour': (0, 23, {}),
    'schedule_minute': (0, 59, {}),
    'schedule_second': (0, 59, {}),
}

#: A cron field is at most this many characters.
MAX_FIELD_LENGTH = 256

_NTH_WEEKDAY = re.compile(r'^(1st|2nd|3rd|4th|5th|last) (%s)$'
                          % '|'.join(_DAYS))
# NOTE: ASCII only: '²' passes str.isdigit() and then fails int().
_NUMBER = re.compile(r'[0-9]{1,9}')
_RANGE = re.compile(r'^([a-z0-9]+)(?:-([a-z0-9]+))?(?:/([0-9]{1,9}))?$')
_DATE_FIELDS = ('schedule_date', 'schedule_start_date', 'schedule_end_date',
                'schedule_time')


def _value(token, low, high, names, field):
    token = token.lower()
    if token in names:
        return names[token]
    if not _NUMBER.fullmatch(token):
        raise exception.InvalidDocument(
            '%s: %r is not a number or a known name' % (field, token))
    number = int(token)
    if not low <= number <= high:
        raise exception.InvalidDocument(
            '%s: %d is out of range %d-%d' % (field, number, low, high))
    return number


def _check_part(part, field):
    low, high, names = _FIELDS[field]
    if field == 'schedule_day' and (part == 'last'
                                    or _NTH_WEEKDAY.match(part)):
        return
    if part.startswith('*'):
        if part == '*' or re.match(r'^\*/[1-9][0-9]{0,8}$', part):
            return
        raise exception.InvalidDocument('%s: bad expression %r'
                                        % (field, part))
    match = _RANGE.match(part)
    if not match:
        raise exception.InvalidDocument('%s: bad expression %r'
                                        % (field, part))
    start, end, step = match.groups()
    first = _value(start, low, high, names, field)
    if end is not None:
        last = _value(end, low, high, names, field)
        if last < first:
            raise exception.InvalidDocument(
                '%s: range %r runs backwards' % (field, part))
    if step is not None and int(step) == 0:
        raise exception.InvalidDocument('%s: step must be positive'
                                        % field)


def check_cron_field(field, value):
    """Raise ``InvalidDocument`` unless ``value`` is a valid cron field."""
    text = str(value).strip().lower()
    if len(text) > MAX_FIELD_LENGTH:
        raise exception.InvalidDocument(
            '%s: the expression is %d characters; the limit is %d'
            % (field, len(text), MAX_FIELD_LENGTH))
    if not text:
        raise exception.InvalidDocument('%s: empty expression' % field)
    for part in text.split(','):
        part = ' '.join(part.split())
        if not part:
            raise exception.InvalidDocument('%s: empty list item' % field)
        _check_part(part, field)


def _check_date(field, value):
    text = value.replace('Z', '+00:00')
    try:
        datetime.datetime.fromisoformat(text)
    except ValueError:
        raise exception.InvalidDocument('%s: %r is not a valid date'
                                        % (field, value))


def check(schedule):
    """Validate a schedule dict that already passed its JSON schema."""
    for field, value in schedule.items():
        if field in _FIELDS:
            check_cron_field(field, value)
        elif field in _DATE_FIELDS:
            _check_date(field, value)
    start = schedule.get('schedule_start_date')
    end = schedule.get('schedule_end_date')
    if start and end and _parse(start) > _parse(end):
        raise exception.InvalidDocument(
            'schedule_start_date is after schedule_end_date')


def _parse(value):
    parsed = datetime.datetime.fromisoformat(value.replace('Z', '+00:00'))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed
