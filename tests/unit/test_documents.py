"""Merging and compare-and-set retries of document rules."""

import pytest

from freezer_api import exception
from freezer_api.objects import documents
from freezer_api.storage import base


def test_merge_merges_objects_and_replaces_lists():
    stored = {'a': {'x': 1, 'y': 2}, 'l': [1, 2], 'k': 1}
    merged = documents.merge(stored, {'a': {'y': 3}, 'l': [9], 'n': None})
    assert merged == {'a': {'x': 1, 'y': 3}, 'l': [9], 'k': 1, 'n': None}
    assert stored['a'] == {'x': 1, 'y': 2}


class FlakyStore:
    """Fails the first ``conflicts`` writes with a version conflict."""

    def __init__(self, conflicts):
        self.conflicts = conflicts
        self.doc = {'n': 0}
        self.version = 1

    def get(self, kind, doc_id, scope):
        return base.Record(dict(self.doc), self.version)

    def replace(self, kind, doc_id, doc, version, scope):
        if self.conflicts:
            self.conflicts -= 1
            self.version += 1
            raise exception.VersionConflict()
        self.doc, self.version = doc, version + 1
        return self.version


def test_modify_retries_until_the_write_lands():
    store = FlakyStore(conflicts=3)
    result, version = documents.modify(
        store, 'jobs', 'j', base.ANY,
        lambda doc: (dict(doc, n=doc['n'] + 1), 'done'))
    assert (result, store.doc, version) == ('done', {'n': 1}, 5)


def test_modify_gives_up_with_conflict():
    store = FlakyStore(conflicts=10)
    with pytest.raises(exception.Conflict, match='try again'):
        documents.modify(store, 'jobs', 'j', base.ANY,
                         lambda doc: (doc, None), attempts=3)


def test_modify_without_change_writes_nothing():
    store = FlakyStore(conflicts=0)
    result, version = documents.modify(store, 'jobs', 'j', base.ANY,
                                       lambda doc: (None, 'same'))
    assert (result, version) == ('same', 1)
