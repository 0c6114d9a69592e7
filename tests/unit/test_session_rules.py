"""The session state machine: start (new round, join, hold-off, out of
sync, tag too high), end and the session's result, as pure functions."""

import copy

import pytest

from freezer_api import exception
from freezer_api.objects import session

NOW = 10000


def session_doc(tag=3, time_start=NOW - 100, hold_off=30, jobs=None,
                **extra):
    doc = {'session_tag': tag, 'time_start': time_start,
           'hold_off': hold_off, 'status': 'active', 'result': '',
           'jobs': jobs if jobs is not None else {
               'j1': {'status': 'stop', 'result': ''},
               'j2': {'status': 'stop', 'result': ''}}}
    doc.update(extra)
    return doc


# (time since the round started, job's tag, expected result, new tag)
@pytest.mark.parametrize('elapsed,tag,result,new_tag', [
    # outside the hold-off window: the current tag starts a new round
    (100, 3, 'success', 4),
    (31, 3, 'success', 4),
    # outside the window an older tag is out of sync
    (31, 2, 'out-of-sync', None),
    (100, 0, 'out-of-sync', None),
    # within the window (its end included) the current tag holds off
    (30, 3, 'hold-off', None),
    (0, 3, 'hold-off', None),
    # within the window the previous tag joins the running round
    (30, 2, 'success', 3),
    (5, 0, 'success', 3),
])
def test_start(elapsed, tag, result, new_tag):
    doc = session_doc(time_start=NOW - elapsed)
    before = copy.deepcopy(doc)
    new, answer = session.start(doc, 'j1', tag, NOW)
    assert answer == result
    if new_tag is None:
        assert new is None
        assert doc == before
        return
    assert new['session_tag'] == new_tag
    assert new['jobs']['j1'] == {'status': 'running', 'result': '',
                                 'time_started': NOW}
    assert new['jobs']['j2'] == before['jobs']['j2']
    if new_tag == before['session_tag'] + 1:
        assert (new['time_start'], new['status'], new['result']) == (
            NOW, 'running', '')
    else:
        assert new['time_start'] == before['time_start']
        assert new['status'] == before['status']


def test_a_new_round_clears_the_last_result():
    doc = session_doc(status='completed', result='fail', time_end=NOW - 50)
    new, answer = session.start(doc, 'j2', 3, NOW)
    assert answer == 'success'
    assert (new['status'], new['result']) == ('running', '')


@pytest.mark.parametrize('tag', [4, 100])
def test_start_with_a_tag_above_the_sessions_is_400(tag):
    doc = session_doc()
    before = copy.deepcopy(doc)
    with pytest.raises(exception.BadRequest) as caught:
        session.start(doc, 'j1', tag, NOW)
    assert caught.value.message == (
        'requested tag value too high. Session Tag: 3 Job Tag: %d' % tag)
    assert doc == before


def test_the_first_start_of_a_new_session_opens_round_1():
    """A new session has tag 0, time_start -1 and the default hold-off."""
    doc = {'session_tag': 0, 'time_start': -1,
           'jobs': {'j1': {'status': ''}}}
    new, answer = session.start(doc, 'j1', 0, NOW)
    assert (answer, new['session_tag'], new['time_start']) == (
        'success', 1, NOW)


def test_the_default_hold_off_is_30_seconds():
    doc = {'session_tag': 1, 'time_start': NOW - 30,
           'jobs': {'j1': {'status': ''}}}
    assert session.start(doc, 'j1', 1, NOW) == (None, 'hold-off')
    doc['time_start'] = NOW - 31
    assert session.start(doc, 'j1', 1, NOW)[1] == 'success'


@pytest.mark.parametrize('action', ['start', 'end'])
@pytest.mark.parametrize('jobs', [{}, None, {'other': {}}])
def test_a_job_not_in_the_session_is_400(action, jobs):
    doc = session_doc(tag=1, time_start=-1)
    doc['jobs'] = jobs
    with pytest.raises(exception.BadRequest) as caught:
        if action == 'start':
            session.start(doc, 'j1', 1, NOW)
        else:
            session.end(doc, 'j1', 1, 'success', NOW)
    assert caught.value.message == 'job_id j1 not found in session'


# (the other job's state, this job's result) -> the session's status, result
@pytest.mark.parametrize('other,result,status,overall', [
    ({'status': 'running', 'result': ''}, 'success', 'active', ''),
    ({'status': 'running', 'result': ''}, 'fail', 'active', ''),
    ({'status': 'completed', 'result': 'success'}, 'success',
     'completed', 'success'),
    ({'status': 'completed', 'result': 'success'}, 'fail',
     'completed', 'fail'),
    ({'status': 'completed', 'result': 'fail'}, 'success',
     'completed', 'fail'),
    ({'status': 'completed', 'result': 'aborted'}, 'success',
     'completed', 'fail'),
])
def test_end(other, result, status, overall):
    doc = session_doc(jobs={'j1': {'status': 'running', 'result': ''},
                            'j2': dict(other)})
    new, answer = session.end(doc, 'j1', 3, result, NOW)
    assert answer == 'success'
    assert new['jobs']['j1'] == {'status': 'completed', 'result': result,
                                 'time_ended': NOW}
    assert new['jobs']['j2'] == other
    assert (new['status'], new['result']) == (status, overall)
    assert ('time_end' in new) is (status == 'completed')


def test_end_without_a_tag_ends_the_running_round():
    doc = session_doc(jobs={'j1': {'status': 'running'}})
    new, _ = session.end(doc, 'j1', None, 'success', NOW)
    assert (new['status'], new['result'], new['session_tag']) == (
        'completed', 'success', 3)


@pytest.mark.parametrize('tag', [2, 4])
def test_end_with_another_tag_is_400_and_changes_nothing(tag):
    doc = session_doc()
    before = copy.deepcopy(doc)
    with pytest.raises(exception.BadRequest) as caught:
        session.end(doc, 'j1', tag, 'success', NOW)
    assert caught.value.message == (
        'tag %d does not match the session tag 3' % tag)
    assert doc == before


def test_a_completed_session_keeps_its_result_and_end_time():
    doc = session_doc(status='completed', result='fail', time_end=NOW - 5,
                      jobs={'j1': {'status': 'completed', 'result': 'fail'}})
    new, _ = session.end(doc, 'j1', 3, 'success', NOW)
    assert new['jobs']['j1']['result'] == 'success'
    assert (new['status'], new['result'], new['time_end']) == (
        'completed', 'fail', NOW - 5)


@pytest.mark.parametrize('entries,overall', [
    ({}, 'success'),
    ({'a': {'status': 'completed', 'result': 'success'}}, 'success'),
    ({'a': {'status': 'completed', 'result': 'success'},
      'b': {'status': 'completed', 'result': ''}}, 'fail'),
    ({'a': {'status': 'completed', 'result': 'fail'},
      'b': {'status': 'stop', 'result': ''}}, 'running'),
    ({'a': {'result': 'success'}}, 'running'),
])
def test_overall_result(entries, overall):
    assert session.overall_result(entries) == overall
