"""Schedules: cron fields as freezer-scheduler's APScheduler reads them,
dates, and when the cron fields make the trigger."""

import datetime

from apscheduler.triggers.cron import CronTrigger
import pytest

from freezer_api import exception
from freezer_api.objects import schedule

FIELDS = ['year', 'month', 'day', 'week', 'day_of_week', 'hour', 'minute',
          'second']

# Expressions probed on every field, each checked against APScheduler.
EXPRESSIONS = [
    '*', '*/1', '*/2', '*/6', '*/0', '*/59', '*/60', '*/61', '**', '*/',
    '0', '1', '03', '6', '7', '12', '13', '23', '24', '31', '32', '53', '54',
    '59', '60', '-1', '1969', '1970', '2030', '9999', '10000',
    '0-59/15', '1-6, 9-12', '1-6,9-12', '30-10', '1-2-3', '1-31/5', '5-5',
    '1,,2', '1,', ',1', '', ' ', '0,30', ' 5 ', '2030-2040', '2040-2030',
    'mon', 'MON', 'mon-fri', 'fri-mon', 'mon, wed, fri', 'sun', 'funday',
    'jan', 'jan-jun', 'Jan-Mar', 'dec', 'smarch',
    'last', 'LAST', 'last sat', 'last fri', '1st mon', '2nd tue', '5th sun',
    '6th mon', 'last funday', '1st', 'mon,last',
    12, 0, 59, 2030, -1,
]


def trigger_accepts(name, value):
    try:
        CronTrigger(timezone=datetime.timezone.utc, **{name: value})
    except ValueError:
        return False
    return True


def api_accepts(field, value):
    try:
        schedule.check({field: value})
    except exception.InvalidDocument:
        return False
    return True


@pytest.mark.parametrize('name', FIELDS)
@pytest.mark.parametrize('value', EXPRESSIONS, ids=repr)
def test_a_cron_field_is_accepted_iff_apscheduler_accepts_it(name, value):
    field = 'schedule_' + name
    assert api_accepts(field, value) == trigger_accepts(name, value)


def test_the_table_has_both_answers_on_every_field():
    for name in FIELDS:
        answers = {trigger_accepts(name, value) for value in EXPRESSIONS}
        assert answers == {True, False}, name


def test_the_cron_fields_are_the_triggers():
    assert schedule.CRON_FIELDS == tuple(
        'schedule_' + name for name in CronTrigger.FIELD_NAMES)


def apschedulers_reason(name, value):
    with pytest.raises(ValueError) as caught:
        CronTrigger(timezone=datetime.timezone.utc, **{name: value})
    return str(caught.value)


@pytest.mark.parametrize('field,value,says', [
    ('schedule_minute', '*/61', 'higher than the total range'),
    ('schedule_hour', '24', 'higher than the maximum value (23)'),
    ('schedule_day_of_week', 'funday', '"funday"'),
])
def test_a_refusal_names_the_field_and_apschedulers_reason(field, value,
                                                           says):
    with pytest.raises(exception.InvalidDocument) as caught:
        schedule.check_cron_field(field, value)
    reason = apschedulers_reason(field[len('schedule_'):], value)
    assert says in reason
    assert caught.value.message == '%s: %s' % (field, reason)


@pytest.mark.parametrize('value', ['mon, wed, fri', 'mon-fri', 'SUN'])
def test_day_names_in_schedule_day_point_to_schedule_day_of_week(value):
    with pytest.raises(exception.InvalidDocument) as caught:
        schedule.check_cron_field('schedule_day', value)
    message = caught.value.message
    assert message.startswith('schedule_day: Unrecognized expression')
    assert 'day names belong in schedule_day_of_week' in message


@pytest.mark.parametrize('value', ['0', '32', '6th mon', 'last funday'])
def test_other_bad_days_do_not_mention_day_names(value):
    with pytest.raises(exception.InvalidDocument) as caught:
        schedule.check_cron_field('schedule_day', value)
    assert 'schedule_day_of_week' not in caught.value.message


@pytest.mark.parametrize('value', ['\u00b2', '\u0663', '\uff11', '1-\u0663',
                                   '*/\u0663'])
@pytest.mark.parametrize('field', ['schedule_hour', 'schedule_minute'])
def test_non_ascii_digits_are_refused(field, value):
    """APScheduler reads '\u0663' as 3; the API keeps cron fields ASCII,
    whatever makes the trigger.
    """
    for doc in ({field: value},
                {field: value, 'schedule_interval': '1 days'}):
        with pytest.raises(exception.InvalidDocument) as caught:
            schedule.check(doc)
        assert caught.value.message.startswith(field + ':')
        assert 'not ASCII' in caught.value.message


def test_a_cron_field_is_at_most_256_characters():
    schedule.check({'schedule_second': ','.join(['1'] * 128)})
    for doc in ({'schedule_second': ','.join(['1'] * 129)},
                {'schedule_date': '2015-06-02T16:20:00',
                 'schedule_day': 'x' * 257}):
        with pytest.raises(exception.InvalidDocument) as caught:
            schedule.check(doc)
        assert 'the limit is 256' in caught.value.message


@pytest.mark.parametrize('doc,cron', [
    ({'schedule_hour': '3'}, True),
    ({'schedule_hour': '3', 'schedule_start_date': '2015-06-02T16:20:00',
      'schedule_end_date': '2016-06-02T16:20:00'}, True),
    ({'schedule_hour': '3', 'schedule_date': '2015-06-02T16:20:00'}, False),
    ({'schedule_hour': '3', 'schedule_interval': 'continuous'}, False),
    ({'schedule_hour': '3', 'schedule_interval': ''}, True),
    ({'schedule_interval': '1 days'}, False),
    ({'schedule_time': '2015-06-02T16:20:00'}, False),
    ({}, False),
])
def test_cron_fields_make_the_trigger_only_without_date_or_interval(doc,
                                                                    cron):
    assert schedule.makes_cron_trigger(doc) is cron


def test_cron_fields_beside_a_date_or_interval_are_not_read():
    """freezer-scheduler builds a date or interval trigger then."""
    schedule.check({'schedule_date': '2015-06-02T16:20:00',
                    'schedule_day': 'mon, wed, fri', 'schedule_hour': '99'})
    schedule.check({'schedule_interval': '2 weeks',
                    'schedule_minute': '*/61'})
    with pytest.raises(exception.InvalidDocument):
        schedule.check({'schedule_day': 'mon, wed, fri',
                        'schedule_hour': '3'})


def test_every_cron_field_of_a_cron_schedule_is_checked():
    with pytest.raises(exception.InvalidDocument) as caught:
        schedule.check({'schedule_hour': '3', 'schedule_minute': '0',
                        'schedule_second': '60'})
    assert caught.value.message.startswith('schedule_second:')


def test_dates_must_parse_and_be_ordered():
    schedule.check({'schedule_date': '2015-06-02T16:20:00+02:00'})
    with pytest.raises(exception.InvalidDocument):
        schedule.check({'schedule_date': '2015-02-30T16:20:00'})
    with pytest.raises(exception.InvalidDocument):
        schedule.check({'schedule_start_date': '2016-01-01T00:00:00',
                        'schedule_end_date': '2015-01-01T00:00:00'})
