"""Points where cluster and service rules plug into the document rules.

The default ``Hooks`` does nothing; ``objects.service`` provides the real
one (service heartbeats, disabled clusters) when the API is assembled.
"""


class Hooks:
    """No-op hooks."""

    #: False lets callers skip work done only to feed the hooks.
    active = False

    def client_registered(self, realm, client_doc):
        """A client registered or re-registered (a heartbeat)."""

    def client_deleted(self, realm, client_id):
        """A client was deleted (it is no longer a service)."""

    def jobs_polled(self, realm, client_id):
        """A client listed its jobs (a heartbeat)."""

    def before_start(self, realm, job_doc):
        """A job is about to start; raise ``Conflict`` to refuse."""
