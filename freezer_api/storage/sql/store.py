"""``Store`` on SQLAlchemy Core: one documents table plus a terms table."""

import collections
import functools
import operator

from oslo_db import exception as db_exc
import sqlalchemy as sa

from freezer_api import exception
from freezer_api import jsonutils
from freezer_api.storage import base
from freezer_api.storage import query as q
from freezer_api.storage.sql import engine as sql_engine
from freezer_api.storage.sql import tables

_docs = tables.documents
_terms = tables.terms


_dumps = jsonutils.dumps_text
_loads = jsonutils.loads


#: Errors that say the database cannot answer now (unreachable, a lock or
#: a deadlock, a schema not created yet): SQLAlchemy's, and oslo.db's
#: translations of them on the engines it makes.
_UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError,
                sa.exc.TimeoutError, db_exc.DBConnectionError,
                db_exc.DBDeadlock, db_exc.DBNonExistentTable,
                db_exc.DBNonExistentDatabase)


def _driver_error(exc):
    """The DBAPI error below SQLAlchemy's or oslo.db's wrapping of it."""
    exc = getattr(exc, 'inner_exception', None) or exc
    return getattr(exc, 'orig', None) or exc


def _translate_errors(func):
    """Turn driver errors into the store's own exceptions."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except exception.FreezerError:
            raise
        except _UNAVAILABLE as exc:
            raise exception.StoreUnavailable(
                'Database unavailable: %s' % _driver_error(exc))
        except (sa.exc.SQLAlchemyError, db_exc.DBError) as exc:
            raise exception.StoreError('Database error: %s' % exc)
    return wrapper


def _transaction(func):
    """A write that is one whole transaction: run again under the store's
    retry policy (``engine.retry_policy``) when the database says so, its
    errors translated.
    """
    @functools.wraps(func)
    def wrapper(self, *args, **kwargs):
        return self._retry(func)(self, *args, **kwargs)
    return _translate_errors(wrapper)


def _owned(stmt, owner):
    """``stmt`` limited to one owner (every owner when ``owner`` is None),
    the owner a bound parameter.
    """
    if owner is None:
        return stmt
    return stmt.where(_docs.c.owner == sa.bindparam('owner'))


#: What decides a search's statement (see ``_page_statement``).
_Shape = collections.namedtuple('_Shape', [
    'name', 'every', 'musts', 'must_nots', 'no_after', 'no_before',
    'no_marker', 'by_time'])


def _time_bounds(stmt, shape, stamp):
    """``stmt`` limited to the shape's time bounds on ``stamp``."""
    if not shape.no_after:
        stmt = stmt.where(stamp >= sa.bindparam('time_after'))
    if not shape.no_before:
        stmt = stmt.where(stamp <= sa.bindparam('time_before'))
    return stmt


def _page_statement(shape, owner):
    """The ``seq`` of one page of a search, in order.

    NOTE: a plan either stops at the limit or reads only what the query
    bounds. With terms to match, the first term's index ``(term, seq)`` is
    walked in ``seq`` order, joined to the documents by primary key (``seq
    IN (subquery)`` read every document of the term and sorted them).
    Terms that must not match are probed by primary key per candidate. By
    time (``shape.by_time``: fewer than ``SqlStore.by_time_cap`` documents
    in the range) the range is read from ``ix_documents_kind_owner_time``
    and sorted, by ``seq + 0``, an order no index gives: otherwise a
    planner that takes time stamps as spread evenly over ``seq``
    (PostgreSQL, from its statistics) walks ``seq`` until a page matches,
    while backups close in time are close in ``seq``, so a range in the
    middle of the catalogue read half of it (23 ms against 0.3 ms at
    200,000 backups). Wider ranges keep the ``seq`` walk, their bounds
    written ``time_stamp + 0``, which no index serves (SQLite would take
    the time index for them).
    """
    musts = [_terms.alias('must%d' % i) for i in range(shape.musts)]
    source = _docs
    for i, must in enumerate(musts):
        source = source.join(must, sa.and_(
            must.c.seq == _docs.c.seq,
            must.c.term == sa.bindparam('must%d' % i)))
    key = musts[0].c.seq if musts else _docs.c.seq
    stmt = _owned(sa.select(key.label('seq')).select_from(source).where(
        _docs.c.kind == sa.bindparam('kind')), owner)
    for i in range(shape.must_nots):
        absent = _terms.alias('not%d' % i)
        stmt = stmt.where(~sa.exists().where(
            absent.c.seq == _docs.c.seq,
            absent.c.term == sa.bindparam('not%d' % i)))
    stmt = _time_bounds(stmt, shape, _docs.c.time_stamp if shape.by_time
                        else _docs.c.time_stamp + 0)
    if not shape.no_marker:
        stmt = stmt.where(key > sa.bindparam('after'))
    return stmt.order_by(key + 0 if shape.by_time else key).limit(
        sa.bindparam('limit')).offset(sa.bindparam('offset'))


def _search_statement(shape, owner):
    """The search statement of one shape: the documents of the page of
    ``_page_statement`` (owner or every owner, number of terms that must
    (not) match, time bounds, after a marker's ``seq``: keyset, no OFFSET
    walk). Every value is a bound parameter.

    NOTE: the page is found first, from indexes, and only its documents
    are read: a sort or an offset never carries the bodies.
    """
    page = _page_statement(shape, owner).subquery('page')
    return sa.select(_docs.c.body, _docs.c.version).select_from(
        page.join(_docs, _docs.c.seq == page.c.seq)).order_by(page.c.seq)


def _span_statement(shape):
    """How many of one owner's documents are in the shape's time range,
    counted up to ``cap`` from ``ix_documents_kind_owner_time``.
    """
    found = _time_bounds(sa.select(_docs.c.seq).where(
        _docs.c.kind == sa.bindparam('kind'),
        _docs.c.owner == sa.bindparam('owner')), shape, _docs.c.time_stamp)
    if not shape.no_marker:
        found = found.where(_docs.c.seq > sa.bindparam('after'))
    found = found.limit(sa.bindparam('cap')).subquery('span')
    return sa.select(sa.func.count()).select_from(found)


def _positions_statement(owner):
    """The ``seq`` of at most two documents of one id (one owner's, or
    every owner's when ``owner`` is None).
    """
    return _owned(sa.select(_docs.c.seq).where(
        _docs.c.kind == sa.bindparam('kind'),
        _docs.c.id == sa.bindparam('id')), owner).limit(2)


def _by_id(*columns):
    """The select of ``columns`` of one owner's document by kind and id."""
    return sa.select(*columns).where(
        _docs.c.kind == sa.bindparam('kind'),
        _docs.c.owner == sa.bindparam('owner'),
        _docs.c.id == sa.bindparam('id'))


def _id_params(kind, doc_id, scope):
    return {'kind': kind, 'owner': base.owner_key(kind, scope),
            'id': doc_id}


def _update_statement():
    return _docs.update().where(
        _docs.c.seq == sa.bindparam('b_seq'),
        _docs.c.version == sa.bindparam('b_version')).values(
            version=sa.bindparam('b_new_version'),
            project_id=sa.bindparam('project_id'),
            user_id=sa.bindparam('user_id'),
            time_stamp=sa.bindparam('time_stamp'),
            body=sa.bindparam('body'))


def _terms_of_statement():
    return sa.select(_terms.c.term).where(
        _terms.c.seq == sa.bindparam('b_seq'))


def _remove_terms_statement():
    return _terms.delete().where(_terms.c.seq == sa.bindparam('b_seq'),
                                 _terms.c.term == sa.bindparam('b_term'))


class _Statements:
    """Statements compiled once per shape for the engine's dialect.

    NOTE: building a statement and going through SQLAlchemy's per-call
    machinery (cache keys, parameter processing per row, and for a read the
    Connection's checkout events, autobegin and BEGIN statement) cost
    several times the query itself. Writes run the compiled SQL with
    ``exec_driver_sql`` inside their transaction; a read, one SELECT that is
    atomic on its own, runs on a pooled DBAPI connection (``run``). DBAPI
    errors are wrapped the way SQLAlchemy wraps them, so
    ``_translate_errors`` sees the same types.
    """

    def __init__(self, engine):
        self._engine = engine
        self._compiled = {}

    def _compile(self, shape, build):
        found = self._compiled.get(shape)
        if found is None:
            compiled = build().compile(dialect=self._engine.dialect)
            order = (tuple(compiled.positiontup)
                     if compiled.positional else None)
            found = self._compiled[shape] = (compiled, order)
        return found

    def prepare(self, shape, build, values):
        """Return ``(sql, parameters)`` of ``build()`` for ``values``, in
        the driver's own parameter style.
        """
        compiled, order = self._compile(shape, build)
        params = compiled.construct_params(values)
        if order is not None:
            params = tuple(params[name] for name in order)
        return compiled.string, params

    def prepare_many(self, shape, build, rows):
        """``prepare`` for many rows of ``{bind name: value}``.

        NOTE: only for statements whose every bind is in each row (no
        defaults to fill); the columns of this store need no type
        conversion, so rows go to the driver as they are.
        """
        compiled, order = self._compile(shape, build)
        if order is not None and len(order) > 1:
            pick = operator.itemgetter(*order)
            rows = [pick(row) for row in rows]
        elif order is not None:
            rows = [(row[order[0]],) for row in rows]
        return compiled.string, rows

    def run(self, shape, build, values):
        """Return all rows of the statement ``build()`` for ``values``."""
        sql, params = self.prepare(shape, build, values)
        raw = self._engine.raw_connection()
        try:
            cursor = raw.cursor()
            try:
                cursor.execute(sql, params)
                return cursor.fetchall()
            finally:
                cursor.close()
        except self._engine.dialect.loaded_dbapi.Error as exc:
            raise sa.exc.DBAPIError.instance(
                sql, params, exc, self._engine.dialect.loaded_dbapi.Error)
        finally:
            raw.close()


def _row_values(doc):
    fields = q.index_fields(doc)
    return {'project_id': fields['project_id'], 'user_id': fields['user_id'],
            'time_stamp': fields['time_stamp'],
            'body': _dumps(doc)}, fields['terms']


def _once(func):
    return func


class SqlStore(base.Store):
    """Documents in SQL; see ``tables`` for the layout."""

    def __init__(self, engine, retry=None):
        """:param retry: the decorator that retries a write transaction
            (``engine.retry_policy(conf)``); none by default.
        """
        self._engine = engine
        self._sql = _Statements(engine)
        self._retry = retry or _once

    def _write(self):
        return self._engine.connect().execution_options(**sql_engine.WRITE)

    @_transaction
    def create(self, kind, doc_id, doc, scope=base.ANY):
        owner = base.owner_key(kind, scope)
        values, terms = _row_values(doc)
        with self._write() as conn, conn.begin():
            try:
                result = conn.execute(_docs.insert(), dict(
                    values, kind=kind, owner=owner, id=doc_id, version=1))
            except (sa.exc.IntegrityError, db_exc.DBDuplicateEntry):
                raise exception.AlreadyExists(kind=kind, doc_id=doc_id)
            seq = result.inserted_primary_key[0]
            self._add_terms(conn, seq, terms)
        return 1

    def _add_terms(self, conn, seq, terms):
        if terms:
            conn.exec_driver_sql(*self._sql.prepare_many(
                'add_terms', _terms.insert,
                [{'seq': seq, 'term': t} for t in terms]))

    @_translate_errors
    def get(self, kind, doc_id, scope=base.ANY):
        rows = self._sql.run('get', lambda: _by_id(
            _docs.c.body, _docs.c.version), _id_params(kind, doc_id, scope))
        if not rows:
            raise exception.NotFound(kind=kind, doc_id=doc_id)
        return base.Record(_loads(rows[0][0]), rows[0][1])

    @_transaction
    def replace(self, kind, doc_id, doc, version, scope=base.ANY):
        values, terms = _row_values(doc)
        with self._write() as conn, conn.begin():
            row = self._current(conn, kind, doc_id, scope)
            if row.version != version:
                raise exception.VersionConflict()
            values.update(b_seq=row.seq, b_version=version,
                          b_new_version=version + 1)
            result = conn.exec_driver_sql(*self._sql.prepare(
                'update', _update_statement, values))
            if result.rowcount != 1:
                raise exception.VersionConflict()
            # NOTE: the stored terms, read back by primary key, are
            # cheaper than parsing the old body and deriving them again.
            old_terms = {term for term, in conn.exec_driver_sql(
                *self._sql.prepare('terms_of', _terms_of_statement,
                                   {'b_seq': row.seq}))}
            gone = old_terms - terms
            if gone:
                conn.exec_driver_sql(*self._sql.prepare_many(
                    'remove_terms', _remove_terms_statement,
                    [{'b_seq': row.seq, 'b_term': t} for t in gone]))
            self._add_terms(conn, row.seq, terms - old_terms)
        return version + 1

    def _current(self, conn, kind, doc_id, scope):
        row = conn.exec_driver_sql(*self._sql.prepare(
            'current', lambda: _by_id(_docs.c.seq, _docs.c.version),
            _id_params(kind, doc_id, scope))).first()
        if row is None:
            raise exception.NotFound(kind=kind, doc_id=doc_id)
        return row

    @_transaction
    def delete(self, kind, doc_id, scope=base.ANY, version=None):
        with self._write() as conn, conn.begin():
            row = self._current(conn, kind, doc_id, scope)
            if version is not None and row.version != version:
                raise exception.VersionConflict()
            conn.execute(_terms.delete().where(_terms.c.seq == row.seq))
            conn.execute(_docs.delete().where(_docs.c.seq == row.seq))

    #: Up to how many documents a time range may hold to be searched by
    #: time (``_page_statement``): that plan reads every one of them, the
    #: ``seq`` walk stops at the limit. Counting 10,000 index entries and
    #: reading and sorting them take about a millisecond each on SQLite.
    by_time_cap = 10000

    @_translate_errors
    def search(self, kind, scope=base.ANY, query=None, limit=10, offset=0,
               marker=None):
        query = query or q.Query()
        owner = base.search_owner(kind, scope)
        after = self.after_marker(kind, scope, marker, offset)
        params = dict(owner=owner, kind=kind, limit=limit,
                      offset=offset, time_after=query.time_after,
                      time_before=query.time_before, after=after)
        params.update(('must%d' % i, t) for i, t in enumerate(query.must))
        params.update(('not%d' % i, t) for i, t in enumerate(query.must_not))
        shape = _Shape('search', owner is None, len(query.must),
                       len(query.must_not), query.time_after is None,
                       query.time_before is None, after is None, False)
        if self._by_time(shape, params):
            shape = shape._replace(by_time=True)
        rows = self._sql.run(shape, lambda: _search_statement(shape, owner),
                             params)
        return [base.Record(_loads(body), version)
                for body, version in rows]

    def _by_time(self, shape, params):
        """Whether to find a search's page by time: one owner's, bounded
        in time, no term to match (a term's index serves better), and
        fewer than ``by_time_cap`` documents in the range (counted up to
        the cap from the time index).
        """
        if (shape.every or shape.musts
                or (shape.no_after and shape.no_before)):
            return False
        span = shape._replace(name='span')
        rows = self._sql.run(span, lambda: _span_statement(span),
                             dict(params, cap=self.by_time_cap))
        return rows[0][0] < self.by_time_cap

    def positions(self, kind, owner, doc_id):
        """The ``seq`` of the documents of id ``doc_id``: the order of
        every search.
        """
        rows = self._sql.run(('positions', owner is None),
                             lambda: _positions_statement(owner),
                             {'kind': kind, 'owner': owner, 'id': doc_id})
        return [row[0] for row in rows]

    @_translate_errors
    def check(self):
        with self._write() as conn, conn.begin():
            conn.execute(sa.select(sa.func.count()).select_from(_docs)
                         .where(_docs.c.seq == -1))
            conn.rollback()

    def close(self):
        self._engine.dispose()
