"""Explicit mappings per kind, the indexed envelope, index naming."""

import pytest

from freezer_api.storage import base
from freezer_api.storage.elasticsearch import indices
from freezer_api.storage.elasticsearch import mappings
from freezer_api.storage import query as q


@pytest.mark.parametrize('kind', base.KINDS)
def test_every_kind_has_a_strict_versioned_mapping(kind):
    mapping = mappings.mapping(kind)
    assert mapping['dynamic'] == 'strict'
    assert mapping['_meta'] == {'freezer_kind': kind,
                                'mapping_version': mappings.version(kind)}
    props = mapping['properties']
    for field in ('owner', 'doc_id', 'project_id', 'user_id', 'terms'):
        assert props[field] == {'type': 'keyword'}
    assert props['created_at']['type'] == 'date_nanos'
    assert props['time_stamp'] == {'type': 'long'}
    # the document itself is kept whole, never mapped field by field
    assert props['doc'] == {'type': 'object', 'enabled': False}


def test_key_fields_are_typed_and_never_refuse_a_document():
    doc = {'client_id': 'c1', 'session_id': 7,
           'job_schedule': {'status': 'scheduled', 'time_created': 'x',
                            'event': ['a']}}
    assert mappings.key_fields('jobs', doc) == {'client_id': 'c1',
                                                'status': 'scheduled'}
    assert mappings.key_fields('clients', {'client': {'is_central': 1}}) \
        == {}
    assert mappings.key_fields('services', {'heartbeat': 12.5}) == {
        'heartbeat': 12.5}


def test_envelope_carries_search_fields_and_the_document():
    doc = {'project_id': 'p1', 'user_id': 'u1',
           'backup_metadata': {'time_stamp': 1234, 'backup_name': 'b'}}
    entry = mappings.envelope('backups', 'project:p1', 'id1', doc, 3)
    assert entry['doc'] is doc
    assert (entry['owner'], entry['doc_id'], entry['version']) == (
        'project:p1', 'id1', 3)
    assert (entry['project_id'], entry['user_id']) == ('p1', 'u1')
    assert entry['time_stamp'] == 1234
    assert entry['terms'] == sorted(q.document_terms(doc))
    assert entry['key'] == {'backup_name': 'b'}
    assert entry['created_at'] == entry['updated_at']


def test_envelope_keeps_creation_time_and_drops_odd_owners():
    first = mappings.envelope('jobs', 'project:p', 'j',
                              {'project_id': 'p'}, 1)
    later = mappings.envelope('jobs', 'project:p', 'j',
                              {'project_id': {'x': 1}}, 2,
                              first['created_at'])
    assert later['created_at'] == first['created_at']
    assert later['updated_at'] > first['updated_at']
    assert later['project_id'] is None and 'time_stamp' not in later


def test_entry_ids_never_join_two_owners_ids():
    pairs = [('project:a/b', 'c'), ('project:a', 'b/c'), ('', 'x'),
             ('user:a', 'x'), ('project:a', 'x'), ('project:a%2Fb', 'c')]
    ids = {mappings.entry_id(owner, doc_id) for owner, doc_id in pairs}
    assert len(ids) == len(pairs)
    assert mappings.entry_id('project:p1', 'j1') == 'project:p1/j1'


def test_clock_is_strictly_increasing():
    stamps = [mappings.CLOCK.now() for _ in range(2000)]
    assert stamps == sorted(set(stamps))


def test_index_names_carry_the_mapping_version():
    assert indices.alias_name('freezer', 'jobs') == 'freezer-jobs'
    assert indices.index_name('freezer', 'jobs', 3) == 'freezer-jobs-v3'
    assert indices.parse_version('freezer', 'jobs', 'freezer-jobs-v12') == 12
    for other in ('freezer-jobs', 'freezer-jobs-v1-x', 'freezer-backups-v1',
                  'freezer'):
        assert indices.parse_version('freezer', 'jobs', other) is None


def test_a_keyword_longer_than_a_lucene_term_is_left_out_of_key_fields():
    name = 'x' * (mappings.MAX_KEYWORD_BYTES + 1)
    doc = {'backup_metadata': {'backup_name': name, 'container': 'c'}}
    assert mappings.key_fields('backups', doc) == {'container': 'c'}
    fits = 'x' * mappings.MAX_KEYWORD_BYTES
    assert mappings.key_fields('backups', {'backup_metadata': {
        'backup_name': fits}}) == {'backup_name': fits}
