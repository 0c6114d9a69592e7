"""Classifying the documents of an upstream freezer-api index by kind."""

import pytest

from freezer_api.storage.elasticsearch import legacy


@pytest.mark.parametrize('doc, expected', [
    ({'job_id': 'j', 'job_schedule': {}, 'session_id': 's',
      'session_tag': 1}, ('jobs', 'j')),
    ({'job_id': 'j', 'job_actions': []}, ('jobs', 'j')),
    ({'backup_id': 'b', 'backup_metadata': {}}, ('backups', 'b')),
    ({'action_id': 'a', 'freezer_action': {}}, ('actions', 'a')),
    ({'session_id': 's', 'session_tag': 0}, ('sessions', 's')),
    ({'client': {'client_id': 'p_h'}}, ('clients', 'p_h')),
    ({'client': {'hostname': 'h'}}, None),
    ({'job_id': 'j'}, None),
    ({}, None),
    ('text', None),
])
def test_upstream_documents_are_classified_by_their_fields(doc, expected):
    assert legacy.classify(doc) == expected
