"""Import of an upstream freezer-api index into the per-kind indices.

Upstream keeps every kind in ONE index named by ``[elasticsearch] index``
(default ``freezer``), without a type field, with its own ids (see the
Indices section of ``doc/source/admin/elasticsearch.rst``).
``freezer-manage db sync`` finds such an
index (a concrete index named exactly like the prefix: ours are all
``<prefix>-<kind>`` aliases) and copies every document it can classify
into the alias of its kind with ``op_type=create``: a document already
there is left alone, so the import can be run again safely. Each document
goes to the owner its fields name (``storage.base.stored_owner``: its
``project_id``, else its ``user_id``): upstream v2 documents to their
project, upstream v1 documents (no project) to their user. The upstream
index itself is never changed.
"""

from freezer_api import exception
from freezer_api.storage import base
from freezer_api.storage.elasticsearch import client as es_client
from freezer_api.storage.elasticsearch import indices
from freezer_api.storage.elasticsearch import mappings

_PAGE = 500


def classify(doc):
    """Return (kind, id) of an upstream document, or None."""
    if not isinstance(doc, dict):
        return None
    client = doc.get('client')
    if 'job_id' in doc and ('job_schedule' in doc or 'job_actions' in doc):
        return 'jobs', doc['job_id']
    if 'backup_id' in doc and 'backup_metadata' in doc:
        return 'backups', doc['backup_id']
    if 'action_id' in doc and 'freezer_action' in doc:
        return 'actions', doc['action_id']
    if 'session_id' in doc and 'session_tag' in doc:
        return 'sessions', doc['session_id']
    if isinstance(client, dict) and client.get('client_id'):
        return 'clients', client['client_id']
    return None


def find(conn, prefix):
    """Return True when an upstream index named ``prefix`` exists."""
    try:
        found = conn.request('GET', '/%s/_settings' % prefix)
    except es_client.NotFoundError:
        return False
    # NOTE: a name answering for another index would be an alias.
    return list(found) == [prefix]


def import_documents(conn, prefix):
    """Copy the upstream index into the kinds' aliases; return lines."""
    counts = {'imported': 0, 'present': 0, 'skipped': 0}
    page = conn.request('POST', '/%s/_search' % prefix, {'scroll': '2m'},
                        {'size': _PAGE, 'sort': ['_doc']})
    scroll_id = page.get('_scroll_id')
    try:
        while page['hits']['hits']:
            _bulk_create(conn, prefix, page['hits']['hits'], counts)
            page = conn.request('POST', '/_search/scroll', None,
                                {'scroll': '2m', 'scroll_id': scroll_id})
            scroll_id = page.get('_scroll_id', scroll_id)
    finally:
        if scroll_id:
            conn.request('DELETE', '/_search/scroll', None,
                         {'scroll_id': [scroll_id]})
    return ['upstream index %s: %d documents imported, %d already there, '
            '%d not recognised (left in %s)' % (
                prefix, counts['imported'], counts['present'],
                counts['skipped'], prefix)]


def _bulk_create(conn, prefix, hits, counts):
    lines = []
    for hit in hits:
        doc = hit.get('_source') or {}
        found = classify(doc)
        if found is None or not isinstance(found[1], str):
            counts['skipped'] += 1
            continue
        kind, doc_id = found
        owner = base.stored_owner(kind, doc)
        lines += [{'create': {'_index': indices.alias_name(prefix, kind),
                              '_id': mappings.entry_id(owner, doc_id),
                              'require_alias': True}},
                  mappings.envelope(kind, owner, doc_id, doc, 1)]
    if not lines:
        return
    result = conn.request('POST', '/_bulk', {'refresh': 'true'}, lines)
    for item in result['items']:
        outcome = item['create']
        if outcome.get('status') == 409:
            counts['present'] += 1
        elif outcome.get('error'):
            raise exception.StoreError('Import of %s failed: %s'
                                       % (prefix, outcome['error']))
        else:
            counts['imported'] += 1
