"""Is the store ready for this process: it answers, a probe record written
now reads back the same (Neon's ``check_writability``), and its schema
needs no upgrade.

The probe record is an internal ``services`` document of binary
``freezer-api-probe``, one per host and process, overwritten each time.
"""

import logging
import os
import threading
import time

from freezer_api import exception
from freezer_api.objects import service
from freezer_api.storage import driver

LOG = logging.getLogger(__name__)

PROBE_BINARY = 'freezer-api-probe'
#: How long an answer of the schema check is reused, in seconds.
SCHEMA_CHECK_TTL = 30


class NotReady(Exception):
    """The store is not ready; ``state`` is ``degraded`` or ``init``."""

    def __init__(self, state, reason, latency_ms=None):
        super().__init__(reason)
        self.state = state
        self.reason = reason
        self.latency_ms = latency_ms


class Probe:
    """Writes and reads the probe record; checks the schema now and then."""

    def __init__(self, store, conf, clock=time.monotonic,
                 open_manager=driver.open_manager):
        self.store = store
        self.conf = conf
        self.clock = clock
        self.key = '%s:%d' % (conf.host, os.getpid())
        self._open_manager = open_manager
        self._manager = None
        self._schema = (None, None)     # (checked at, current?)
        self._lock = threading.Lock()
        # NOTE: one probe at a time per process: two concurrent probes
        # overwrite the one record, and the loser's compare-and-set or read
        # back fails, which would report a healthy store as degraded.
        self._probing = threading.Lock()

    def _write_and_read(self):
        sid = service.doc_id(PROBE_BINARY, self.key)
        now = time.time()
        doc = {'binary': PROBE_BINARY, 'host': self.conf.host,
               'cluster': None, 'key': self.key, 'created_at': now,
               'heartbeat': now}
        try:
            record = self.store.get('services', sid)
            self.store.replace('services', sid, doc, record.version)
        except exception.NotFound:
            self.store.create('services', sid, doc)
        if self.store.get('services', sid).doc.get('heartbeat') != now:
            raise exception.StoreUnavailable('the probe record read back '
                                             'differs from the one written')

    def _schema_current(self):
        checked_at, current = self._schema
        if checked_at is not None and (
                self.clock() - checked_at < SCHEMA_CHECK_TTL):
            return current
        with self._lock:
            if self._manager is None:
                self._manager = self._open_manager(self.conf)
            current = bool(self._manager.is_current())
        self._schema = (self.clock(), current)
        return current

    def check(self):
        """Return the round trip of the probe in milliseconds.

        :raises NotReady: ``degraded`` when the store does not answer or
            refuses writes, ``init`` when its schema needs an upgrade.
        """
        started = self.clock()
        try:
            with self._probing:
                self._write_and_read()
        except exception.FreezerError as exc:
            LOG.warning('Store probe failed: %s', exc.message)
            raise NotReady('degraded', 'store: %s' % exc.message)
        latency = round((self.clock() - started) * 1000, 3)
        try:
            current = self._schema_current()
        except exception.FreezerError as exc:
            raise NotReady('degraded', 'schema: %s' % exc.message, latency)
        if not current:
            raise NotReady('init', 'the store schema needs an upgrade '
                           '(freezer-manage db sync)', latency)
        return latency

    def close(self):
        if self._manager is not None:
            self._manager.close()
