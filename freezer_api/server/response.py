"""Writing responses: the server's own JSON errors and a WSGI app's answer."""

import email.utils
import http
import io
import logging
import re
import sys
import urllib.parse
import uuid

from freezer_api.api import errors
from freezer_api import jsonutils

LOG = logging.getLogger(__name__)

#: (title, stable code) of every status the server answers itself.
OWN = {
    400: ('Bad request', 'freezer.request.invalid'),
    408: ('Request timeout', 'freezer.request.timeout'),
    413: ('Request entity too large', 'freezer.request.too_large'),
    414: ('URI too long', 'freezer.request.uri_too_long'),
    417: ('Expectation failed', 'freezer.request.expectation_failed'),
    431: ('Request header fields too large',
          'freezer.request.headers_too_large'),
    500: ('Internal server error', 'freezer.internal'),
    501: ('Not implemented', 'freezer.method.not_implemented'),
    503: ('Service unavailable', 'freezer.server.busy'),
    505: ('HTTP version not supported', 'freezer.http_version.unsupported'),
}

# NOTE: hop-by-hop headers belong to the server (PEP 3333); an
# application's are dropped so that framing is decided in one place.
_HOP_BY_HOP = frozenset(['connection', 'keep-alive', 'transfer-encoding',
                         'te', 'trailer', 'upgrade', 'proxy-authenticate',
                         'proxy-authorization'])
_NO_BODY = (204, 304)
_DIGITS = re.compile(r'[0-9]{1,18}\Z')


def error(status, description, method=None):
    """The complete bytes of the server's own JSON error response (its
    head only for a HEAD request); the connection is closed after it.
    """
    title, code = OWN[status]
    request_id = 'req-' + str(uuid.uuid4())
    body = jsonutils.dumps(errors.body(status, title, description, code,
                                       request_id))
    headers = [('Content-Type', 'application/json'),
               ('Content-Length', str(len(body))),
               ('x-openstack-request-id', request_id),
               ('Connection', 'close')]
    if status == 503:
        headers.append(('Retry-After', errors.RETRY_AFTER))
    return head('HTTP/1.1 %d %s' % (status, http.HTTPStatus(status).phrase),
                headers) + (b'' if method == 'HEAD' else body)


def head(status_line, headers):
    lines = [status_line, 'Date: ' + email.utils.formatdate(usegmt=True)]
    lines += ['%s: %s' % pair for pair in headers]
    return ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')


def environ(req, conn, server_name, server_port):
    """The WSGI environ of ``req`` (PEP 3333)."""
    path, _, query = req.target.partition('?')
    env = {
        'REQUEST_METHOD': req.method,
        'SCRIPT_NAME': '',
        'PATH_INFO': urllib.parse.unquote_to_bytes(path).decode('latin-1'),
        'QUERY_STRING': query,
        'SERVER_NAME': server_name,
        'SERVER_PORT': str(server_port),
        'SERVER_PROTOCOL': req.protocol,
        'REMOTE_ADDR': conn.peer[0],
        'REMOTE_PORT': str(conn.peer[1]),
        'wsgi.version': (1, 0),
        'wsgi.url_scheme': 'http',
        'wsgi.input': io.BytesIO(req.body),
        'wsgi.input_terminated': True,
        'wsgi.errors': sys.stderr,
        'wsgi.multithread': True,
        'wsgi.multiprocess': False,
        'wsgi.run_once': False,
    }
    if req.body_unread:
        env['CONTENT_LENGTH'] = str(req.content_length)
    elif req.chunked or req.values('Content-Length'):
        env['CONTENT_LENGTH'] = str(len(req.body))
    for name, value in req.headers:
        # NOTE: X-User_Id would become HTTP_X_USER_ID like X-User-Id:
        # names with "_" are dropped so they cannot pass for identity
        # headers (what wsgiref and nginx do).
        if '_' in name:
            continue
        key = name.upper().replace('-', '_')
        if key == 'CONTENT_TYPE':
            env[key] = value
            continue
        if key == 'CONTENT_LENGTH':
            continue
        key = 'HTTP_' + key
        env[key] = env[key] + ',' + value if key in env else value
    return env


class Writer:
    """Runs a WSGI application for one request and writes its response.

    ``keep_alive`` says afterwards whether the connection may carry the
    next request.
    """

    def __init__(self, conn, req, keep_alive):
        self.conn = conn
        self.req = req
        self.keep_alive = keep_alive
        self.status = None
        self.headers = None
        self.sent = False
        self.chunked = False
        self.length = None
        self.written = 0

    def run(self, app, env):
        """Call ``app``; return its status code (for the access log)."""
        try:
            result = app(env, self.start_response)
        except Exception:
            LOG.exception('%s %s failed in the application',
                          self.req.method, env['PATH_INFO'])
            return self.fail()
        try:
            for chunk in result:
                if chunk:
                    self.write(chunk)
            self.finish()
        finally:
            if hasattr(result, 'close'):
                result.close()
        return int(self.status.split()[0])

    def start_response(self, status, headers, exc_info=None):
        if exc_info and self.sent:
            raise exc_info[1].with_traceback(exc_info[2])
        self.status = status
        self.headers = [(k, v) for k, v in headers
                        if k.lower() not in _HOP_BY_HOP]
        return self.write

    def fail(self):
        """Answer 500 when the application broke before its headers."""
        self.keep_alive = False
        if not self.sent:
            self.sent = True
            self.conn.send(error(500, 'The server failed to handle the '
                                      'request.'))
        return 500

    def write(self, data):
        if self.status is None:
            raise RuntimeError('write() before start_response()')
        prefix = b''
        if not self.sent:
            self.sent = True
            prefix = self._head()
        if self._no_body():
            data = b''
        elif self.length is not None:
            data = data[:max(self.length - self.written, 0)]
        self.written += len(data)
        if self.chunked and data:
            data = b'%x\r\n%s\r\n' % (len(data), data)
        if prefix or data:
            self.conn.send(prefix + data)

    def finish(self):
        if not self.sent:
            if self.status is None:
                raise RuntimeError('the application never called '
                                   'start_response()')
            self.write(b'')
        if self.chunked:
            self.conn.send(b'0\r\n\r\n')
        elif self.length is not None and self.written < self.length \
                and not self._no_body():
            # NOTE: fewer bytes than announced: the client can only tell
            # by the connection closing.
            self.keep_alive = False

    def _no_body(self):
        code = int(self.status.split()[0])
        return self.req.method == 'HEAD' or code in _NO_BODY or code < 200

    def _head(self):
        headers = list(self.headers)
        lengths = [v for k, v in headers if k.lower() == 'content-length']
        if lengths and _DIGITS.match(lengths[0].strip()):
            self.length = int(lengths[0])
        elif not self._no_body():
            if self.req.version == (1, 1):
                self.chunked = True
                headers.append(('Transfer-Encoding', 'chunked'))
            else:
                self.keep_alive = False
        if not self.keep_alive:
            headers.append(('Connection', 'close'))
        elif self.req.version == (1, 0):
            headers.append(('Connection', 'keep-alive'))
        return head('HTTP/1.1 ' + self.status, headers)
