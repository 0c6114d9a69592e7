"""Serving the requests of one connection: parse, run the app, log."""

import logging
import socket
import time

from freezer_api.server import request
from freezer_api.server import response

LOG = logging.getLogger('freezer_api.server')


class Handler:
    """Answers the requests waiting on a connection (in a worker thread)."""

    def __init__(self, app, settings, port):
        self.app = app
        self.settings = settings
        self.port = port

    def serve(self, conn):
        """Answer every request already on ``conn``; return True when the
        connection stays open for the next (keep-alive), False when the
        server is done with it.
        """
        conn.sock.settimeout(self.settings.socket_timeout)
        while self._one(conn):
            if not conn.buffer:
                return True
        return False

    def _one(self, conn):
        started = time.monotonic()
        conn.read_by = started + self.settings.socket_timeout
        try:
            req = request.read(conn, self.settings.max_header_line,
                               self.settings.max_body)
        except request.Refused as exc:
            return self._refuse(conn, exc.status, exc.description, started,
                                exc.method)
        except socket.timeout:
            return self._refuse(conn, 408, 'The request did not arrive '
                                'within %g s.' % self.settings.socket_timeout,
                                started)
        except request.NotHttp:
            LOG.info('%s sent bytes that are not HTTP; connection closed',
                     conn.peer[0])
            return False
        except (request.Gone, OSError):
            return False
        finally:
            conn.read_by = None
            conn.sock.settimeout(self.settings.socket_timeout)
        writer = response.Writer(conn, req,
                                 req.keep_alive and self.settings.keep_alive)
        try:
            status = writer.run(self.app, response.environ(
                req, conn, self.settings.host, self.port))
        except OSError:
            return False
        _log(conn, req.method, req.target, req.protocol, status, started)
        return writer.keep_alive

    def _refuse(self, conn, status, description, started, method=None):
        try:
            conn.send(response.error(status, description, method))
        except OSError:
            pass
        _log(conn, '-', '-', '-', status, started, description)
        return False


def _log(conn, method, target, protocol, status, started, note=''):
    LOG.info('%s "%s %s %s" %d %.3fs%s', conn.peer[0], method, target[:2000],
             protocol, status, time.monotonic() - started,
             ' (%s)' % note if note else '')
