"""Job rules as pure functions: events against every ``job_schedule``
state, and the expansion of ``action_defaults``."""

import copy
import itertools

import pytest

from freezer_api.objects import job
from freezer_api.schemas import common

EVENTS = ['start', 'stop', 'abort']
STATES = list(itertools.product(common.STATUSES, common.RESULTS,
                                common.EVENTS + [None]))


def job_with(status, result, event):
    schedule = {'status': status, 'result': result,
                'schedule_interval': '1 days', 'time_started': 5}
    if event is not None:
        schedule['event'] = event
    return {'job_id': 'j', 'job_schedule': schedule}


@pytest.mark.parametrize('event', EVENTS)
@pytest.mark.parametrize('status,result,previous', STATES)
def test_an_event_against_each_schedule_state(event, status, result,
                                              previous):
    doc = job_with(status, result, previous)
    before = copy.deepcopy(doc)
    new, answer = job.apply_event(doc, event)
    if previous == event:
        assert (new, answer) == (None, '%s already requested' % event)
        assert doc == before
        return
    assert answer == 'success'
    expected = copy.deepcopy(before)
    expected['job_schedule']['event'] = event
    if event == 'start':
        # NOTE: a start clears the last run's state for the scheduler.
        expected['job_schedule'].update(status='', result='')
    assert new == expected


def test_an_event_on_a_job_without_a_schedule_makes_one():
    assert job.apply_event({'job_id': 'j'}, 'stop') == (
        {'job_id': 'j', 'job_schedule': {'event': 'stop'}}, 'success')


def action(**fields):
    return {'freezer_action': fields, 'max_retries': 1}


@pytest.mark.parametrize('defaults,actions,expanded', [
    # no defaults: the actions stay as they are
    (None, [action(action='backup')], [action(action='backup')]),
    ({}, [action(action='backup')], [action(action='backup')]),
    # a default fills every action lacking the key
    ({'container': 'c'},
     [action(action='backup'), action(action='restore')],
     [action(action='backup', container='c'),
      action(action='restore', container='c')]),
    # an action's own value wins; a null one is filled
    ({'container': 'c', 'log_file': '/log'},
     [action(action='backup', container='own', log_file=None)],
     [action(action='backup', container='own', log_file='/log')]),
    # falsy values of the action are its own
    ({'max_level': 3, 'dry_run': True},
     [action(max_level=0, dry_run=False)],
     [action(max_level=0, dry_run=False)]),
    # an entry without freezer_action gets one of the defaults
    ({'action': 'backup'}, [{'max_retries': 2}],
     [{'max_retries': 2, 'freezer_action': {'action': 'backup'}}]),
    # no actions at all
    ({'container': 'c'}, [], []),
])
def test_action_defaults_expansion(defaults, actions, expanded):
    doc = {'job_id': 'j', 'job_actions': actions}
    if defaults is not None:
        doc['action_defaults'] = defaults
    assert job.expand_action_defaults(doc) == {'job_id': 'j',
                                               'job_actions': expanded}


def test_action_defaults_on_a_job_without_actions_are_dropped():
    assert job.expand_action_defaults(
        {'job_id': 'j', 'action_defaults': {'container': 'c'}}) == {
            'job_id': 'j'}


def test_defaults_are_copied_not_shared_between_actions():
    doc = {'action_defaults': {'container': 'c'},
           'job_actions': [action(), action()]}
    first, second = job.expand_action_defaults(doc)['job_actions']
    first['freezer_action']['container'] = 'changed'
    assert second['freezer_action']['container'] == 'c'
