"""Services: API nodes and registered clients as heartbeating records, and
the hooks through which the document rules feed and obey them.

A service document (kind ``services``, internal: no owner) is::

    {"binary": "freezer-api" | "freezer-scheduler", "host": ...,
     "cluster": name or null, "created_at": epoch, "heartbeat": epoch}

API processes heartbeat from a thread (``Heartbeat``); clients heartbeat when
they register and when they poll their jobs. Whether a service is up is
computed when it is read, from ``heartbeat`` and ``[DEFAULT]
service_down_time``, so both stores agree without storing a state.
"""

import datetime
import hashlib
import logging
import threading
import time

from freezer_api import exception
from freezer_api.objects import client as clients
from freezer_api.objects import hooks
from freezer_api import retry
from freezer_api.storage import base
from freezer_api.storage import query as q

LOG = logging.getLogger(__name__)

API_BINARY = 'freezer-api'
SCHEDULER_BINARY = 'freezer-scheduler'
BINARIES = (API_BINARY, SCHEDULER_BINARY)

_PAGE = 500
_ATTEMPTS = 20


def doc_id(binary, key):
    """Store id of the record of ``key`` (a host, a client id, a cluster
    name) for ``binary``: fixed length, whatever the key.
    """
    digest = hashlib.sha1(key.encode('utf-8')).hexdigest()
    return '%s:%s' % (binary, digest)


def scheduler_key(owner, client_id):
    """Key of the scheduler service of the client ``client_id`` that
    ``owner`` (a storage scope) holds: client ids are unique per owner, so
    two owners' clients of one id are two services.
    """
    return '%s %s' % (base.owner_key('clients', owner), client_id)


def iso(epoch):
    """An epoch as ISO 8601 UTC text with microseconds, or None."""
    if epoch is None:
        return None
    return datetime.datetime.fromtimestamp(
        epoch, datetime.timezone.utc).isoformat(timespec='microseconds')


def all_records(store, kind, query=None):
    """Every document of an internal ``kind`` matching ``query``."""
    found, offset = [], 0
    while True:
        page = store.search(kind, base.ANY, query, _PAGE, offset)
        found.extend(r.doc for r in page)
        if len(page) < _PAGE:
            return found
        offset += _PAGE


class Services:
    """Service records: heartbeats in, members and up/down out."""

    def __init__(self, store, conf, clock=time.time):
        self.store = store
        self.conf = conf
        self.clock = clock

    def is_up(self, doc, now=None):
        """True when ``doc`` heartbeated within service_down_time."""
        beat = doc.get('heartbeat')
        now = self.clock() if now is None else now
        return beat is not None and now - beat <= self.conf.service_down_time

    def heartbeat(self, binary, key, host, cluster=None, client_id=None):
        """Record that ``key`` of ``binary`` is alive on ``host`` in
        ``cluster`` (a scheduler's record also names its ``client_id``). A
        service that joins a cluster creates the cluster record if needed.
        Returns the service record.
        """
        cluster = cluster or None
        doc, joined = self._beat(doc_id(binary, key), binary, key, host,
                                 cluster, client_id)
        if joined:
            self.ensure_cluster(cluster, binary, doc['heartbeat'])
        return doc

    def _beat(self, sid, binary, key, host, cluster, client_id=None):
        """Write one heartbeat; return (record, whether it joined
        ``cluster`` just now).

        :raises TooManyWriters: still losing races after a few attempts.
        """
        for _ in retry.attempts(_ATTEMPTS, 'services', key):
            now = self.clock()
            try:
                record = self.store.get('services', sid)
            except exception.NotFound:
                doc = {'binary': binary, 'host': host, 'cluster': cluster,
                       'key': key, 'created_at': now, 'heartbeat': now}
                if client_id is not None:
                    doc['client_id'] = client_id
                try:
                    self.store.create('services', sid, doc)
                except exception.AlreadyExists:
                    continue
                return doc, cluster is not None
            doc = record.doc
            joined = cluster is not None and doc.get('cluster') != cluster
            doc.update(host=host, cluster=cluster, heartbeat=now)
            try:
                self.store.replace('services', sid, doc, record.version)
            except exception.VersionConflict:
                # NOTE: retried, so that a re-registration moving the
                # client to another cluster is not lost to a poll.
                continue
            return doc, joined

    def fresh(self, binary, key):
        """True when ``key`` heartbeated less than ``[DEFAULT]
        report_interval`` seconds ago.
        """
        try:
            doc = self.store.get('services', doc_id(binary, key)).doc
        except exception.NotFound:
            return False
        return (self.clock() - (doc.get('heartbeat') or 0)
                < self.conf.report_interval)

    def ensure_cluster(self, name, binary, now):
        """Create the (enabled) cluster record if it does not exist yet."""
        doc = {'name': name, 'binary': binary, 'disabled': False,
               'disabled_reason': None, 'created_at': now,
               'updated_at': None, 'history': []}
        try:
            self.store.create('clusters', doc_id(binary, name), doc)
        except exception.AlreadyExists:
            pass

    def members(self, binary=None, cluster=None):
        """Service records, narrowed by binary and cluster name."""
        must = []
        if binary is not None:
            must.append(q.condition_term('binary', binary))
        if cluster is not None:
            must.append(q.condition_term('cluster', cluster))
        return all_records(self.store, 'services', q.Query(tuple(must)))

    def client_view(self, owner, client_id):
        """The ``service`` the client ``client_id`` of ``owner`` shows from
        3.5: state and heartbeat (null fields before its first heartbeat).
        """
        try:
            doc = self.store.get('services', doc_id(
                SCHEDULER_BINARY, scheduler_key(owner, client_id))).doc
        except exception.NotFound:
            return {'binary': SCHEDULER_BINARY, 'cluster': None,
                    'state': 'down', 'last_heartbeat': None}
        return {'binary': SCHEDULER_BINARY, 'cluster': doc.get('cluster'),
                'state': 'up' if self.is_up(doc) else 'down',
                'last_heartbeat': iso(doc.get('heartbeat'))}


def _client_host(client_doc):
    info = client_doc.get('client') or {}
    return info.get('hostname') or info.get('client_id')


class ServiceHooks(hooks.Hooks):
    """The real hooks: clients heartbeat as freezer-scheduler services, and
    jobs of members of a disabled cluster may not start.
    """

    active = True

    def __init__(self, store, conf, clock=time.time):
        self.store = store
        self.services = Services(store, conf, clock)

    def _client_beat(self, realm, client_doc):
        info = client_doc.get('client') or {}
        self.services.heartbeat(
            SCHEDULER_BINARY,
            scheduler_key(realm.owner, info['client_id']),
            _client_host(client_doc), info.get('cluster'), info['client_id'])

    def client_registered(self, realm, client_doc):
        self._client_beat(realm, client_doc)

    def client_deleted(self, realm, client_id):
        try:
            self.store.delete('services', doc_id(
                SCHEDULER_BINARY, scheduler_key(realm.owner,
                                                client_id)))
        except exception.NotFound:
            pass

    def jobs_polled(self, realm, client_id):
        # NOTE: polls come every few seconds; one heartbeat per
        # report_interval keeps the client up, so a fresh one costs a
        # single read here. A changed ``cluster`` is picked up by the next
        # heartbeat written.
        # NOTE: the poller's own client only: a project polling with a
        # central client's id is not that scheduler.
        if not isinstance(client_id, str) or self.services.fresh(
                SCHEDULER_BINARY, scheduler_key(realm.owner,
                                                client_id)):
            return
        try:
            client_doc = self.store.get('clients', client_id,
                                        realm.owner).doc
        except exception.NotFound:
            return
        self._client_beat(realm, client_doc)

    def before_start(self, realm, job_doc):
        cluster = self.cluster_of(realm, job_doc.get('client_id'))
        if cluster is None or not cluster.get('disabled'):
            return
        reason = cluster.get('disabled_reason')
        raise exception.Conflict(
            'Cluster %s is disabled%s: new work may not start on its '
            'members' % (cluster['name'], ': %s' % reason if reason else ''),
            code='freezer.cluster.disabled',
            cluster=cluster['name'], disabled_reason=reason)

    def cluster_of(self, realm, client_id):
        """The cluster record of the cluster of the client a job of
        ``realm`` names, or None.
        """
        if not isinstance(client_id, str):
            return None
        client_doc = clients.named(self.store, realm.owner,
                                   client_id)
        if client_doc is None:
            return None
        try:
            name = client_doc.get('client', {}).get('cluster')
            if not name:
                return None
            return self.store.get('clusters',
                                  doc_id(SCHEDULER_BINARY, name)).doc
        except exception.NotFound:
            return None


class Heartbeat:
    """This API process as a ``freezer-api`` service: registers at start,
    then heartbeats every ``[DEFAULT] report_interval`` seconds from a
    daemon thread.

    A thread does not survive fork(): servers that fork workers load the
    application in each worker (uWSGI ``lazy-apps``, as shipped).
    """

    def __init__(self, store, conf):
        self.services = Services(store, conf)
        self.conf = conf
        self._stop = threading.Event()
        self._thread = None

    def beat(self):
        """One heartbeat; store errors are logged, never raised."""
        try:
            self.services.heartbeat(API_BINARY, self.conf.host,
                                    self.conf.host, self.conf.cluster)
        except exception.FreezerError as exc:
            LOG.warning('Heartbeat of %s failed: %s', self.conf.host,
                        exc.message)

    def _run(self):
        while not self._stop.wait(self.conf.report_interval):
            self.beat()

    def start(self):
        """Register now, then heartbeat from a thread (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return self
        self._stop.clear()
        if self.conf.service_down_time <= self.conf.report_interval:
            LOG.warning('[DEFAULT] service_down_time (%ss) is not above '
                        'report_interval (%ss): this node will look down '
                        'between heartbeats.', self.conf.service_down_time,
                        self.conf.report_interval)
        self.beat()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name='freezer-api-heartbeat')
        self._thread.start()
        return self

    def stop(self):
        """Stop heartbeating and wait for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
