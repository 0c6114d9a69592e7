"""The search filter, parsed into store queries."""

import pytest

from freezer_api import exception
from freezer_api.objects import search
from freezer_api.storage import query as q


def test_empty_filter_matches_everything():
    assert search.parse(None) == q.Query()
    assert search.parse({}) == q.Query()


def test_match_and_match_not():
    parsed = search.parse({'match': [{'client_id': 'c'}],
                           'match_not': [{'job_schedule.status': 'done'}]})
    assert parsed.must == (q.key_term('client_id', 'c'),)
    assert parsed.must_not == (q.path_term('job_schedule.status', 'done'),)


def test_cli_all_form_is_expanded():
    parsed = search.parse({'match': [{'_all': '[{"a": 1}, {"b.c": "x"}]'}]})
    assert parsed.must == (q.key_term('a', 1), q.path_term('b.c', 'x'))


@pytest.mark.parametrize('text', ['hello', '{"a": ', '[1, 2]', 7])
def test_all_that_is_not_a_list_of_conditions_is_refused(text):
    with pytest.raises(exception.BadRequest, match='_all takes a JSON'):
        search.parse({'match': [{'_all': text}]})


def test_time_bounds_accept_numeric_strings():
    parsed = search.parse({'time_after': '10', 'time_before': 20})
    assert (parsed.time_after, parsed.time_before) == (10, 20)


@pytest.mark.parametrize('bad', [
    'text', [1], {'match': {}}, {'match': [1]}, {'match': [{'': 1}]},
    {'time_after': True}, {'time_before': 'x'}, {'other': 1},
    {'match': [{'k%d' % n: n} for n in range(40)]}])
def test_malformed_filters_are_refused(bad):
    with pytest.raises(exception.BadRequest):
        search.parse(bad)


def test_document_terms_cover_paths_and_keys():
    terms = q.document_terms({'a': {'b': 1, 'l': ['x', {'d': 2}]}, 't': 5})
    assert q.path_term('a.b', 1) in terms
    assert q.key_term('b', 1) in terms
    assert q.key_term('t', 5) in terms
    assert q.path_term('t', 5) not in terms
    assert q.path_term('a.l', 'x') in terms
    assert q.path_term('a.l', ['x', {'d': 2}]) in terms
    assert q.path_term('a.l.d', 2) in terms
    assert q.key_term('d', 2) in terms


def test_long_terms_are_hashed_but_exact():
    long_a, long_b = 'a' * 300, 'a' * 299 + 'b'
    assert q.key_term('k', long_a) != q.key_term('k', long_b)
    assert len(q.key_term('k', long_a)) < 60
