"""Validation of job and session schedules beyond their JSON schema.

freezer-scheduler turns a job's ``job_schedule`` into an APScheduler 3
trigger: ``schedule_date`` makes a date trigger, else ``schedule_interval``
an interval trigger, else the cron fields (``schedule_<name>`` for each of
``CronTrigger``'s field names) a cron trigger. The cron fields are checked
by APScheduler's own ``CronTrigger``, one field at a time, when they make
the trigger, so a schedule is accepted if and only if the scheduler can
build its trigger. Whatever the trigger, a cron field is ASCII and at most
``MAX_FIELD_LENGTH`` characters.
"""

import datetime
import re

from apscheduler.triggers.cron import CronTrigger

from freezer_api import exception

_PREFIX = 'schedule_'
#: The cron fields of a schedule, as freezer-scheduler names them.
CRON_FIELDS = tuple(_PREFIX + name for name in CronTrigger.FIELD_NAMES)

#: A cron field is at most this many characters.
MAX_FIELD_LENGTH = 256

_DATE_FIELDS = ('schedule_date', 'schedule_start_date', 'schedule_end_date',
                'schedule_time')
_LETTER = re.compile('[a-z]', re.IGNORECASE)


def _check_text(field, value):
    text = str(value).strip()
    if len(text) > MAX_FIELD_LENGTH:
        raise exception.InvalidDocument(
            '%s: the expression is %d characters; the limit is %d'
            % (field, len(text), MAX_FIELD_LENGTH))
    # NOTE: APScheduler reads numbers with \d and int(), which take the
    # digits of every script ('\u0663' is 3); we keep cron fields ASCII.
    if not text.isascii():
        raise exception.InvalidDocument(
            '%s: %r holds a character that is not ASCII' % (field, text))


def _trigger_refuses(name, value):
    """APScheduler's reason for refusing ``value`` as its cron field
    ``name``, or None when it accepts it.
    """
    try:
        CronTrigger(timezone=datetime.timezone.utc, **{name: value})
    except ValueError as error:
        return str(error)
    return None


def check_cron_field(field, value):
    """Raise ``InvalidDocument`` unless freezer-scheduler's ``CronTrigger``
    accepts ``value`` as the cron field ``field`` (``schedule_hour``...).

    The message names the field and gives APScheduler's reason.
    """
    _check_text(field, value)
    name = field[len(_PREFIX):]
    reason = _trigger_refuses(name, value)
    if reason is None:
        return
    if (name == 'day' and _LETTER.search(str(value))
            and _trigger_refuses('day_of_week', value) is None):
        reason += ('; day names belong in schedule_day_of_week, '
                   'schedule_day is the day of the month')
    raise exception.InvalidDocument('%s: %s' % (field, reason))


def makes_cron_trigger(schedule):
    """True when freezer-scheduler builds a cron trigger of ``schedule``:
    it has cron fields and neither a ``schedule_date`` nor a
    ``schedule_interval``, which take precedence.
    """
    if schedule.get('schedule_date') or schedule.get('schedule_interval'):
        return False
    return any(field in schedule for field in CRON_FIELDS)


def _check_date(field, value):
    text = value.replace('Z', '+00:00')
    try:
        datetime.datetime.fromisoformat(text)
    except ValueError:
        raise exception.InvalidDocument('%s: %r is not a valid date'
                                        % (field, value))


def check(schedule):
    """Validate a schedule dict that already passed its JSON schema.

    :raises InvalidDocument: a date does not parse, the start is after the
        end, or a cron field is refused (see ``check_cron_field``).
    """
    cron = makes_cron_trigger(schedule)
    for field, value in schedule.items():
        if field in CRON_FIELDS:
            if cron:
                check_cron_field(field, value)
            else:
                _check_text(field, value)
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
