"""``Store`` on SQLAlchemy Core: one documents table plus a terms table."""

import functools
import json

import sqlalchemy as sa

from freezer_api import exception
from freezer_api.storage import base
from freezer_api.storage import query as q
from freezer_api.storage.sql import engine as sql_engine
from freezer_api.storage.sql import tables

_docs = tables.documents
_terms = tables.terms


def _dumps(doc):
    return json.dumps(doc, separators=(',', ':'))


def _translate_errors(func):
    """Turn driver errors into the store's own exceptions."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except exception.FreezerError:
            raise
        except (sa.exc.OperationalError, sa.exc.InterfaceError,
                sa.exc.TimeoutError) as exc:
            raise exception.StoreUnavailable(
                'Database unavailable: %s' % exc.orig
                if getattr(exc, 'orig', None) else str(exc))
        except sa.exc.SQLAlchemyError as exc:
            raise exception.StoreError('Database error: %s' % exc)
    return wrapper


def _scoped(stmt, scope):
    if scope.project_id is not None:
        stmt = stmt.where(_docs.c.project_id == scope.project_id)
    if scope.user_id is not None:
        stmt = stmt.where(_docs.c.user_id == scope.user_id)
    return stmt


def _row_values(doc):
    fields = q.index_fields(doc)
    return {'project_id': fields['project_id'], 'user_id': fields['user_id'],
            'time_stamp': fields['time_stamp'],
            'body': _dumps(doc)}, fields['terms']


class SqlStore(base.Store):
    """Documents in SQL; see ``tables`` for the layout."""

    def __init__(self, engine):
        self._engine = engine

    def _write(self):
        return self._engine.connect().execution_options(**sql_engine.WRITE)

    @_translate_errors
    def create(self, kind, doc_id, doc):
        values, terms = _row_values(doc)
        with self._write() as conn, conn.begin():
            try:
                result = conn.execute(_docs.insert().values(
                    kind=kind, id=doc_id, version=1, **values))
            except sa.exc.IntegrityError:
                raise exception.AlreadyExists(kind, doc_id)
            seq = result.inserted_primary_key[0]
            self._add_terms(conn, seq, terms)
        return 1

    @staticmethod
    def _add_terms(conn, seq, terms):
        if terms:
            conn.execute(_terms.insert(),
                         [{'seq': seq, 'term': t} for t in terms])

    @_translate_errors
    def get(self, kind, doc_id, scope=base.ANY):
        stmt = _scoped(sa.select(_docs.c.body, _docs.c.version).where(
            _docs.c.kind == kind, _docs.c.id == doc_id), scope)
        with self._engine.connect() as conn:
            row = conn.execute(stmt).first()
        if row is None:
            raise exception.NotFound(kind, doc_id)
        return base.Record(json.loads(row.body), row.version)

    @_translate_errors
    def replace(self, kind, doc_id, doc, version, scope=base.ANY):
        values, terms = _row_values(doc)
        with self._write() as conn, conn.begin():
            row = self._current(conn, kind, doc_id, scope)
            if row.version != version:
                raise exception.VersionConflict()
            result = conn.execute(_docs.update().where(
                _docs.c.seq == row.seq, _docs.c.version == version).values(
                    version=version + 1, **values))
            if result.rowcount != 1:
                raise exception.VersionConflict()
            old_terms = q.document_terms(json.loads(row.body))
            gone = old_terms - terms
            if gone:
                conn.execute(_terms.delete().where(
                    _terms.c.seq == row.seq, _terms.c.term.in_(gone)))
            self._add_terms(conn, row.seq, terms - old_terms)
        return version + 1

    @staticmethod
    def _current(conn, kind, doc_id, scope):
        stmt = _scoped(sa.select(_docs.c.seq, _docs.c.version, _docs.c.body)
                       .where(_docs.c.kind == kind, _docs.c.id == doc_id),
                       scope)
        row = conn.execute(stmt).first()
        if row is None:
            raise exception.NotFound(kind, doc_id)
        return row

    @_translate_errors
    def delete(self, kind, doc_id, scope=base.ANY, version=None):
        with self._write() as conn, conn.begin():
            row = self._current(conn, kind, doc_id, scope)
            if version is not None and row.version != version:
                raise exception.VersionConflict()
            conn.execute(_terms.delete().where(_terms.c.seq == row.seq))
            conn.execute(_docs.delete().where(_docs.c.seq == row.seq))

    @_translate_errors
    def search(self, kind, scope=base.ANY, query=None, limit=10, offset=0):
        query = query or q.Query()
        stmt = _scoped(sa.select(_docs.c.body, _docs.c.version)
                       .where(_docs.c.kind == kind), scope)
        for term in query.must:
            stmt = stmt.where(_docs.c.seq.in_(
                sa.select(_terms.c.seq).where(_terms.c.term == term)))
        for term in query.must_not:
            stmt = stmt.where(_docs.c.seq.not_in(
                sa.select(_terms.c.seq).where(_terms.c.term == term)))
        if query.time_after is not None:
            stmt = stmt.where(_docs.c.time_stamp >= query.time_after)
        if query.time_before is not None:
            stmt = stmt.where(_docs.c.time_stamp <= query.time_before)
        stmt = stmt.order_by(_docs.c.seq).limit(limit).offset(offset)
        with self._engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return [base.Record(json.loads(r.body), r.version) for r in rows]

    @_translate_errors
    def check(self):
        with self._write() as conn, conn.begin():
            conn.execute(sa.select(sa.func.count()).select_from(_docs)
                         .where(_docs.c.seq == -1))
            conn.rollback()

    def close(self):
        self._engine.dispose()
