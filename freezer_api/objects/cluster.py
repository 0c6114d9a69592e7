"""Clusters: services grouped by (cluster name, binary), their computed
state, and enabling/disabling them with a history.

A cluster document (kind ``clusters``, created by the first member's
heartbeat, see ``objects.service``) holds only what is decided about the
cluster: ``disabled``, ``disabled_reason``, ``created_at``, ``updated_at``
and ``history``. Everything else (``state``, ``num_hosts``,
``num_down_hosts``, ``last_heartbeat``) is computed at read time from the
members' heartbeats, with the same rule as ``Services.is_up``.
"""

import time

from freezer_api import exception
from freezer_api.objects import documents
from freezer_api.objects import service as services_mod
from freezer_api.storage import base

#: Oldest history entries are dropped beyond this many.
HISTORY_LIMIT = 1000

#: freezer has no replication: Cinder's replication fields, honestly.
REPLICATION = {'replication_status': 'not-capable', 'frozen': False,
               'active_backend_id': None}

SUMMARY_FIELDS = ('name', 'binary', 'state', 'status', 'replication_status')
DETAIL_FIELDS = SUMMARY_FIELDS + (
    'num_hosts', 'num_down_hosts', 'last_heartbeat', 'created_at',
    'updated_at', 'disabled_reason', 'frozen', 'active_backend_id')
UPDATE_FIELDS = SUMMARY_FIELDS + ('disabled_reason',)


def name_matches(name, wanted):
    """The ``name`` list filter, as Cinder's: the exact name, or a name of
    that host with a backend/pool suffix (``c1`` matches ``c1@lvm`` and
    ``c1#pool``).
    """
    if not wanted or name == wanted or name.startswith(wanted + '#'):
        return True
    return '@' not in wanted and name.startswith(wanted + '@')


def _matches(view, filters):
    for key, wanted in filters.items():
        if key == 'name':
            if not name_matches(view['name'], wanted):
                return False
        elif key == 'is_up':
            if (view['state'] == 'up') != wanted:
                return False
        elif key == 'disabled':
            if (view['status'] == 'disabled') != wanted:
                return False
        elif view.get(key) != wanted:
            return False
    return True


class Clusters:
    """Read and change clusters; ``services`` computes member state."""

    def __init__(self, store, conf, services=None, clock=time.time):
        self.store = store
        self.conf = conf
        self.services = services or services_mod.Services(store, conf,
                                                          clock)

    def _record(self, name, binary):
        try:
            return self.store.get('clusters',
                                  services_mod.doc_id(binary, name))
        except exception.NotFound:
            raise exception.NotFound(
                'Cluster %s with binary %s not found' % (name, binary),
                kind='clusters', doc_id=name)

    def view(self, doc, members):
        """Every field a cluster shows; callers pick summary/detail."""
        now = self.services.clock()
        beats = [m['heartbeat'] for m in members
                 if m.get('heartbeat') is not None]
        down = [m for m in members if not self.services.is_up(m, now)]
        shown = {
            'name': doc['name'], 'binary': doc['binary'],
            'state': 'up' if len(down) < len(members) else 'down',
            'status': 'disabled' if doc.get('disabled') else 'enabled',
            'disabled_reason': doc.get('disabled_reason'),
            'num_hosts': len(members), 'num_down_hosts': len(down),
            'last_heartbeat': services_mod.iso(max(beats) if beats
                                               else None),
            'created_at': services_mod.iso(doc.get('created_at')),
            'updated_at': services_mod.iso(doc.get('updated_at')),
        }
        shown.update(REPLICATION)
        return shown

    def list(self, filters=None, detail=False):
        """Clusters matching ``filters`` (typed values, see
        ``schemas.cluster``), oldest first.
        """
        members = {}
        for member in services_mod.all_records(self.store, 'services'):
            if member.get('cluster'):
                key = (member['cluster'], member['binary'])
                members.setdefault(key, []).append(member)
        fields = DETAIL_FIELDS if detail else SUMMARY_FIELDS
        found = []
        for doc in services_mod.all_records(self.store, 'clusters'):
            view = self.view(doc, members.get((doc['name'], doc['binary']),
                                              []))
            if _matches(view, filters or {}):
                found.append({k: view[k] for k in fields})
        return found

    def get(self, name, binary):
        """The detail of one cluster (exact name and binary).

        :raises NotFound: no such cluster.
        """
        doc = self._record(name, binary).doc
        view = self.view(doc, self.services.members(binary, name))
        return {k: view[k] for k in DETAIL_FIELDS}

    def set_disabled(self, name, binary, disabled, reason, user_id):
        """Enable or disable a cluster, appending to its history; return
        the summary with ``disabled_reason``. Concurrent calls are
        serialized by compare-and-set: none is lost from the history.

        :raises NotFound: no such cluster.
        """
        self._record(name, binary)
        now = self.services.clock()

        def change(doc):
            doc.update(disabled=disabled, updated_at=now,
                       disabled_reason=reason if disabled else None)
            entry = {'at': services_mod.iso(now), 'user_id': user_id,
                     'status': 'disabled' if disabled else 'enabled',
                     'disabled_reason': doc['disabled_reason']}
            doc['history'] = (doc.get('history', []) + [entry])[
                -HISTORY_LIMIT:]
            return doc, doc

        doc = documents.modify(
            self.store, 'clusters', services_mod.doc_id(binary, name),
            base.ANY, change, self.conf.api.max_retries_on_conflict)[0]
        view = self.view(doc, self.services.members(binary, name))
        return {k: view[k] for k in UPDATE_FIELDS}

    def topology(self, name, binary):
        """The members of one cluster (Patroni's ``/cluster``), oldest
        first: ``host``, ``binary``, ``state`` (the rule of ``is_up``),
        ``last_heartbeat``, ``created_at``, and ``client_id`` for
        schedulers.

        :raises NotFound: no such cluster.
        """
        self._record(name, binary)
        now = self.services.clock()
        shown = []
        for member in sorted(self.services.members(binary, name),
                             key=lambda m: (m.get('created_at') or 0,
                                            m.get('host') or '')):
            view = {'host': member.get('host'), 'binary': member['binary'],
                    'state': 'up' if self.services.is_up(member, now)
                    else 'down',
                    'last_heartbeat': services_mod.iso(
                        member.get('heartbeat')),
                    'created_at': services_mod.iso(member.get('created_at'))}
            if member['binary'] == services_mod.SCHEDULER_BINARY:
                # NOTE: older records name the client by their key only.
                view['client_id'] = member.get('client_id',
                                               member.get('key'))
            shown.append(view)
        return shown

    def history(self, name, binary):
        """Every enable/disable of a cluster, oldest first.

        :raises NotFound: no such cluster.
        """
        return list(self._record(name, binary).doc.get('history', []))
