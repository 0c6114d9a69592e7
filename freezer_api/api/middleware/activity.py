"""Records the last API request that was not a probe (``last_active`` of
``GET /status``): probes, ``/status`` and ``/metrics`` never count."""


class Activity:
    def __init__(self, lifecycle, quiet_paths):
        self.lifecycle = lifecycle
        self._quiet = frozenset(quiet_paths)

    def process_request(self, req, resp):
        if req.path not in self._quiet:
            self.lifecycle.touch()
