"""Fill a project with many backups straight in the database.

Seeding 50k backups over HTTP would take minutes on the slow service, so
one backup is created over HTTP (so the row is exactly what the service
writes) and then cloned with fresh ids in one transaction.
"""

import copy
import json
import sqlite3
import uuid

from freezer_api.storage import base
from freezer_api.storage import query


def _clones(n):
    for i in range(n):
        yield i, uuid.uuid4().hex


def _next_time(doc, i):
    doc['backup_metadata']['time_stamp'] += i + 1


def template_ours(db_path, project):
    """The project's one backup in our documents table, decoded."""
    con = sqlite3.connect(db_path, timeout=60)
    try:
        row = con.execute(
            "SELECT body FROM documents WHERE kind = 'backups' AND "
            "project_id = ? LIMIT 1", (project,)).fetchone()
    finally:
        con.close()
    return json.loads(row[0])


def ours(db_path, project, n):
    """Clone the project's one backup ``n`` times in our documents table,
    with the search terms the store would write.
    """
    template = template_ours(db_path, project)
    con = sqlite3.connect(db_path, timeout=60)
    try:
        clones = list(_clones(n - 1))
        # NOTE: in chunks, so the API's own writers (heartbeats) never wait
        # for the write lock longer than its busy timeout.
        for start in range(0, len(clones), 5000):
            insert_ours(con, project, template, clones[start:start + 5000])
    finally:
        con.close()


def _owner(project):
    return base.owner_key('backups', base.Scope(project_id=project))


def insert_ours(con, project, template, clones, vary=_next_time):
    """Insert ``clones`` (``(i, id)`` pairs) of ``template`` in one
    transaction, ``vary(doc, i)`` making each its own.
    """
    con.execute('BEGIN IMMEDIATE')
    seq = con.execute('SELECT max(seq) FROM documents').fetchone()[0]
    docs, terms = [], []
    for i, doc_id in clones:
        seq += 1
        doc = copy.deepcopy(template)
        doc['backup_id'] = doc_id
        vary(doc, i)
        fields = query.index_fields(doc)
        docs.append((seq, 'backups', doc_id, _owner(project), project,
                     fields['user_id'], 1, fields['time_stamp'],
                     json.dumps(doc, separators=(',', ':'))))
        terms.extend((seq, t) for t in fields['terms'])
    con.executemany('INSERT INTO documents (seq, kind, id, owner, '
                    'project_id, user_id, version, time_stamp, body) VALUES '
                    '(?, ?, ?, ?, ?, ?, ?, ?, ?)', docs)
    con.executemany('INSERT INTO document_terms (seq, term) VALUES (?, ?)',
                    terms)
    con.commit()


def upstream(db_path, project, n):
    """Clone the project's one backup row ``n`` times in upstream's
    ``backups`` table.
    """
    con = sqlite3.connect(db_path, timeout=60)
    con.row_factory = sqlite3.Row
    try:
        row = dict(con.execute('SELECT * FROM backups WHERE project_id = ? '
                               'LIMIT 1', (project,)).fetchone())
        columns = list(row)
        rows = []
        for _i, doc_id in _clones(n - 1):
            clone = dict(row, id=doc_id)
            rows.append(tuple(clone[c] for c in columns))
        con.execute('BEGIN IMMEDIATE')
        con.executemany('INSERT INTO backups (%s) VALUES (%s)' % (
            ', '.join(columns), ', '.join('?' * len(columns))), rows)
        con.commit()
    finally:
        con.close()


def _es(url):
    from elasticsearch import Elasticsearch
    return Elasticsearch(url, request_timeout=120)


def template_ours_es(url, prefix, project):
    """The project's one backup in our Elasticsearch store."""
    es = _es(url)
    alias = '%s-backups' % prefix
    es.indices.refresh(index=alias)
    found = es.search(index=alias, size=1,
                      query={'term': {'project_id': project}})
    es.close()
    return found['hits']['hits'][0]['_source']['doc']


def bulk_ours_es(url, prefix, project, template, clones, vary=_next_time):
    """Index ``clones`` (``(i, id)`` pairs) of ``template`` with the bulk
    API, as the entries the store itself would index.
    """
    from elasticsearch import helpers

    from freezer_api.storage.elasticsearch import mappings
    es = _es(url)
    alias = '%s-backups' % prefix

    def entries():
        for i, doc_id in clones:
            doc = copy.deepcopy(template)
            doc['backup_id'] = doc_id
            vary(doc, i)
            yield {'_op_type': 'create', '_index': alias,
                   '_id': mappings.entry_id(_owner(project), doc_id),
                   '_source': mappings.envelope('backups', _owner(project),
                                                doc_id, doc, 1)}
    helpers.bulk(es, entries(), chunk_size=2000, request_timeout=120)
    es.indices.refresh(index=alias)
    es.close()


def ours_es(url, prefix, project, n):
    """Clone the project's one backup ``n`` times in our Elasticsearch
    store's backups alias, as entries the store itself would index.
    """
    template = template_ours_es(url, prefix, project)
    bulk_ours_es(url, prefix, project, template, _clones(n - 1))
