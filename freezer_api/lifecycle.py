"""The state of this API process: when it started, when it last served a
request that was not a probe, and whether it is draining (after SIGTERM).

One ``Lifecycle`` per process, shared by the app (which reads and touches
it) and the server (which drains it).
"""

import datetime
import os
import threading
import time


def iso(epoch):
    """An epoch as ISO 8601 UTC text, or None."""
    if epoch is None:
        return None
    return datetime.datetime.fromtimestamp(
        epoch, datetime.timezone.utc).isoformat(timespec='milliseconds')


class Lifecycle:
    """Start time, last activity and draining of one process."""

    def __init__(self, clock=time.time):
        self.clock = clock
        self.pid = os.getpid()
        self.started_at = clock()
        self.last_active = None
        self._draining = threading.Event()

    def touch(self):
        """Record an API request (not a probe) now."""
        self.last_active = self.clock()

    def drain(self):
        """From now on, readiness is refused (the process is stopping)."""
        self._draining.set()

    @property
    def draining(self):
        return self._draining.is_set()
