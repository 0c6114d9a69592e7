"""The Elasticsearch store's query DSL: only term/terms/bool/range on the
envelope's own fields, the owner always in, oldest first."""

import json

from freezer_api.storage.elasticsearch import queries
from freezer_api.storage import query as q

ALLOWED_CLAUSES = {'bool', 'filter', 'must_not', 'term', 'terms', 'range',
                   'match_all'}
ENVELOPE_FIELDS = {'owner', 'terms', 'time_stamp'}


def clauses(node, found=None):
    """Every clause name and field name in a query, recursively."""
    found = set() if found is None else found
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            clauses(value, found)
    elif isinstance(node, list):
        for item in node:
            clauses(item, found)
    return found


def test_every_owner_no_query_matches_all():
    assert queries.search_query(None, None) == {'match_all': {}}


def test_owner_is_always_a_filter():
    built = queries.search_query('project:p1', q.Query())
    assert built == {'bool': {'filter': [{'term': {'owner': 'project:p1'}}]}}


def test_terms_and_time_range_become_filters():
    query = q.Query(must=[q.condition_term('job_schedule.status', 'ok')],
                    must_not=[q.condition_term('status', 'completed')],
                    time_after=10, time_before=20)
    built = queries.search_query('user:u1', query)
    assert built['bool']['filter'] == [
        {'term': {'owner': 'user:u1'}},
        {'term': {'terms': q.path_term('job_schedule.status', 'ok')}},
        {'range': {'time_stamp': {'gte': 10, 'lte': 20}}}]
    assert built['bool']['must_not'] == [
        {'terms': {'terms': [q.key_term('status', 'completed')]}}]


def test_user_supplied_dsl_stays_an_opaque_term():
    hostile = {'script': {'source': 'ctx._source'}, 'query_string': '*'}
    query = q.Query(must=[q.condition_term('client_id', hostile)],
                    must_not=[q.condition_term('_all', '{"match_all":{}}')])
    built = queries.search_body('project:p1', query, 10)
    names = clauses(built['query'])
    fields = names - ALLOWED_CLAUSES
    assert fields <= ENVELOPE_FIELDS, fields
    assert 'script' not in names and 'query_string' not in names
    value = built['query']['bool']['filter'][1]['term']['terms']
    assert isinstance(value, str) and json.dumps(hostile, sort_keys=True,
                                                 separators=(',', ':')) \
        in value


def test_body_sorts_oldest_first_with_id_and_owner_tiebreak():
    body = queries.search_body(None, None, 7, offset=14)
    assert body['sort'] == [{'created_at': {'order': 'asc'}},
                            {'doc_id': {'order': 'asc'}},
                            {'owner': {'order': 'asc',
                                       'unmapped_type': 'keyword'}}]
    assert (body['from'], body['size']) == (14, 7)
    assert 'search_after' not in body and '_source' not in body


def test_body_search_after_without_sources():
    body = queries.search_body(None, None, 5, search_after=['t', 'id'],
                               source=False)
    assert body['search_after'] == ['t', 'id']
    assert body['_source'] is False
