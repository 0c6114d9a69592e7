"""Cron-like schedule fields and dates."""

import pytest

from freezer_api import exception
from freezer_api.objects import schedule


@pytest.mark.parametrize('field,value', [
    ('schedule_month', '1-6, 9-12'),
    ('schedule_month', 'jan-jun'),
    ('schedule_month', 12),
    ('schedule_day', 'mon, wed, fri'),
    ('schedule_day', 'last'),
    ('schedule_day', 'last sat'),
    ('schedule_day', '2nd tue'),
    ('schedule_day', '1-31/5'),
    ('schedule_day_of_week', 'mon-fri'),
    ('schedule_day_of_week', '0,6'),
    ('schedule_hour', '*'),
    ('schedule_hour', '*/6'),
    ('schedule_hour', '03'),
    ('schedule_minute', '0-59/15'),
    ('schedule_second', '59'),
    ('schedule_week', '53'),
    ('schedule_year', '2030-2040'),
])
def test_accepted(field, value):
    schedule.check_cron_field(field, value)


@pytest.mark.parametrize('field,value', [
    ('schedule_month', '0'),
    ('schedule_month', '13'),
    ('schedule_month', 'foo'),
    ('schedule_day', '32'),
    ('schedule_day', '6th mon'),
    ('schedule_day_of_week', '7'),
    ('schedule_hour', '-1'),
    ('schedule_hour', '*/0'),
    ('schedule_hour', '**'),
    ('schedule_minute', '60'),
    ('schedule_minute', '30-10'),
    ('schedule_second', ''),
    ('schedule_second', '1,,2'),
    ('schedule_week', '54'),
    ('schedule_year', '1969'),
    ('schedule_hour', '1-2-3'),
])
def test_refused(field, value):
    with pytest.raises(exception.InvalidDocument) as caught:
        schedule.check_cron_field(field, value)
    assert field in caught.value.message


def test_dates_must_parse_and_be_ordered():
    schedule.check({'schedule_date': '2015-06-02T16:20:00+02:00'})
    with pytest.raises(exception.InvalidDocument):
        schedule.check({'schedule_date': '2015-02-30T16:20:00'})
    with pytest.raises(exception.InvalidDocument):
        schedule.check({'schedule_start_date': '2016-01-01T00:00:00',
                        'schedule_end_date': '2015-01-01T00:00:00'})
