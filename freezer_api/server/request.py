"""Reading one HTTP/1.x request: request line, header fields and body.

Anything the server answers itself raises ``Refused`` (status, text);
bytes that are no HTTP at all raise ``NotHttp``; a client that closes
between requests raises ``Gone``.
"""

import dataclasses
import re

from freezer_api.server import connection

#: Most header fields (or chunked trailer fields) one request may carry.
MAX_HEADERS = 100

#: Methods the application is asked about; any other token gets a 501.
METHODS = frozenset(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE',
                     'OPTIONS'])

_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_VERSION = re.compile(rb'HTTP/([0-9])\.([0-9])\Z')
_CONTROL = re.compile(rb'[\x00-\x08\x0a-\x1f\x7f]')
_LENGTH = re.compile(r'[0-9]{1,18}\Z')
_CHUNK_SIZE = re.compile(rb'[0-9A-Fa-f]{1,8}\Z')
_CONTINUE = b'HTTP/1.1 100 Continue\r\n\r\n'


class Refused(Exception):
    """A request the server answers itself with ``status``, then closes."""

    def __init__(self, status, description):
        super().__init__(description)
        self.status = status
        self.description = description
        #: The request's method once its request line was read.
        self.method = None


class NotHttp(Exception):
    """Bytes that are no HTTP request: the connection is closed unanswered."""


class Gone(Exception):
    """The client closed its side before sending another request."""


def _cut_short():
    # NOTE: the client may have closed only its sending side and still
    # read: it gets an answer rather than a silent close.
    return Refused(400, 'The request ended before it was complete.')


@dataclasses.dataclass
class Request:
    """The parsed head of one request (and, once read, its body)."""

    method: str
    target: str
    version: tuple
    headers: list
    keep_alive: bool = True
    chunked: bool = False
    content_length: int = 0
    expect_continue: bool = False
    body: bytes = b''
    #: The body is over the limit and was not read (the app answers 413).
    body_unread: bool = False

    @property
    def protocol(self):
        return 'HTTP/%d.%d' % self.version

    def values(self, name):
        """Every value of header ``name`` (case-insensitive)."""
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]

    def tokens(self, name):
        """The comma-separated tokens of header ``name``, lower case."""
        return [t.strip().lower() for v in self.values(name)
                for t in v.split(',') if t.strip()]


def read(conn, max_line, max_body):
    """Read the next request from ``conn``; return a ``Request``."""
    method, target, version = _request_line(conn, max_line)
    try:
        req = Request(method, target, version,
                      _header_fields(conn, max_line))
        _frame(req)
        _body(conn, req, max_line, max_body)
    except Refused as exc:
        exc.method = method
        raise
    return req


def _line(conn, max_line, too_long):
    try:
        line = conn.readline(max_line + 2)
    except connection.LineTooLong:
        raise Refused(*too_long)
    if not line.endswith(b'\n'):
        raise _cut_short()
    return line[:-1].rstrip(b'\r')


def _request_line(conn, max_line):
    too_long = (414, 'The request line is longer than %d bytes.' % max_line)
    if not conn.buffer and not conn.fill():
        raise Gone()
    # NOTE: a TLS handshake or other binary noise need not hold a newline:
    # it is recognised by its first bytes, not after a timeout.
    if _CONTROL.search(bytes(conn.buffer).split(b'\n', 1)[0].rstrip(b'\r')):
        raise NotHttp()
    # NOTE: RFC 9112 2.2 asks servers to skip empty lines before a request.
    for _ in range(4):
        line = _line(conn, max_line, too_long)
        if line:
            break
    else:
        raise Refused(400, 'Malformed request: no request line.')
    if _CONTROL.search(line):
        raise NotHttp()
    parts = line.split(b' ')
    if len(parts) != 3:
        raise Refused(400, 'Malformed request line: expected "METHOD '
                           'target HTTP/1.1".')
    method, target, version = parts
    try:
        return (_method(method), _target(target, method),
                _version(version))
    except Refused as exc:
        exc.method = method.decode('latin-1')
        raise


def _method(method):
    if not _TOKEN.match(method):
        raise Refused(400, 'Malformed method in the request line.')
    method = method.decode('ascii')
    if method not in METHODS:
        raise Refused(501, 'Method %s is not implemented; this server '
                           'knows %s.' % (method[:32],
                                          ', '.join(sorted(METHODS))))
    return method


def _target(target, method):
    if max(target, default=0) >= 0x80:
        raise Refused(400, 'The request target holds bytes outside ASCII; '
                           'percent-encode them.')
    target = target.decode('ascii')
    if target.startswith('/') or (target == '*' and method == b'OPTIONS'):
        return target
    lower = target.lower()
    for scheme in ('http://', 'https://'):
        if lower.startswith(scheme):
            rest = target[len(scheme):]
            slash = rest.find('/')
            return rest[slash:] if slash >= 0 else '/'
    raise Refused(400, 'Malformed request target: it must start with "/".')


def _version(version):
    match = _VERSION.match(version)
    if not match:
        raise Refused(400, 'Malformed HTTP version in the request line.')
    major, minor = int(match.group(1)), int(match.group(2))
    if major != 1:
        raise Refused(505, 'HTTP version %d.%d is not supported; this '
                           'server speaks HTTP/1.0 and HTTP/1.1.'
                      % (major, minor))
    return (1, min(minor, 1))


def _header_fields(conn, max_line):
    fields = []
    too_long = (431, 'A header line is longer than %d bytes.' % max_line)
    while True:
        line = _line(conn, max_line, too_long)
        if not line:
            return fields
        if len(fields) >= MAX_HEADERS:
            raise Refused(431, 'The request has more than %d header fields.'
                          % MAX_HEADERS)
        fields.append(_field(line))


def _field(line):
    if line[:1] in (b' ', b'\t'):
        raise Refused(400, 'Folded header lines are not accepted.')
    name, colon, value = line.partition(b':')
    if not colon or not _TOKEN.match(name):
        raise Refused(400, 'Malformed header line: expected "Name: value".')
    value = value.strip(b' \t')
    if _CONTROL.search(value):
        raise Refused(400, 'A header value holds a control character.')
    return name.decode('ascii'), value.decode('latin-1')


def _frame(req):
    """Decide how the body is delimited and whether to keep the connection."""
    if req.version == (1, 1) and len(req.values('Host')) != 1:
        raise Refused(400, 'An HTTP/1.1 request needs exactly one Host '
                           'header.')
    connection_tokens = req.tokens('Connection')
    if req.version == (1, 1):
        req.keep_alive = 'close' not in connection_tokens
    else:
        req.keep_alive = 'keep-alive' in connection_tokens
    expect = req.tokens('Expect')
    if expect and expect != ['100-continue']:
        raise Refused(417, 'Only "Expect: 100-continue" is supported.')
    req.expect_continue = bool(expect) and req.version == (1, 1)
    codings = req.tokens('Transfer-Encoding')
    lengths = {v.strip() for v in ','.join(req.values('Content-Length'))
               .split(',')} if req.values('Content-Length') else set()
    if codings:
        if lengths or req.version == (1, 0):
            raise Refused(400, 'Transfer-Encoding is refused with '
                               'Content-Length or on HTTP/1.0.')
        if codings != ['chunked']:
            raise Refused(501, 'Only the chunked transfer coding is '
                               'supported.')
        req.chunked = True
    elif lengths:
        length = lengths.pop()
        if lengths or not _LENGTH.match(length):
            raise Refused(400, 'Invalid Content-Length header.')
        req.content_length = int(length)


def _body(conn, req, max_line, max_body):
    if req.chunked:
        _continue(conn, req)
        req.body = _chunked(conn, max_line, max_body)
    elif req.content_length > max_body:
        # NOTE: left unread for the application to refuse (413, one
        # message for every server); the connection cannot be reused.
        req.body_unread = True
        req.keep_alive = False
    elif req.content_length:
        _continue(conn, req)
        req.body = conn.read_exactly(req.content_length)
        if len(req.body) < req.content_length:
            raise _cut_short()


def _continue(conn, req):
    if req.expect_continue and not conn.buffer:
        conn.send(_CONTINUE)


def _chunked(conn, max_line, max_body):
    body = bytearray()
    bad = (400, 'Malformed chunked body.')
    while True:
        size = _line(conn, max_line, bad).split(b';', 1)[0].strip(b' \t')
        if not _CHUNK_SIZE.match(size):
            raise Refused(*bad)
        size = int(size, 16)
        if size == 0:
            break
        if len(body) + size > max_body:
            raise Refused(413, 'The request body is larger than %d bytes.'
                          % max_body)
        data = conn.read_exactly(size + 2)
        if len(data) < size + 2:
            raise _cut_short()
        if data[-2:] != b'\r\n':
            raise Refused(*bad)
        body += data[:-2]
    for _ in range(MAX_HEADERS + 1):
        if not _line(conn, max_line, bad):
            return bytes(body)
    raise Refused(431, 'The request has more than %d trailer fields.'
                  % MAX_HEADERS)
