"""Raw-socket HTTP for the socket fuzzing tier (``test_socket_fuzz.py``):
the owners and their documents, hostile requests as bytes, a reader of
HTTP/1.x answers, and the oracles every answer is held to.

The hostile values themselves come from ``tests/api/hostile.py`` (the
in-process fuzzer's generators); this module puts them on the wire, with
odd framing of its own. Case ``i`` of a run is drawn from
``random.Random('<seed>:<i>')``: a seed and an index name one case exactly,
whichever thread sent it.
"""

import collections
import dataclasses
import json
import random
import re
import socket
import threading
import time
from urllib import parse

from freezer_api import jsonutils
from tests.api import conftest as api_conftest
from tests.api import hostile
from tests.api import test_hostile_input as inprocess

ERROR_KEYS = {'title', 'description', 'message', 'code', 'request_id'}
#: Put in the keeper's and victim's documents, never in a request of the
#: attacker: an answer to the attacker holding one leaked a document.
MARKERS = {'keeper': 'k33per-s3cret-7f1c', 'victim': 'v1ct1m-s3cret-2b9e'}
#: The 5xx an HTTP server owes a request it cannot serve at all (RFC 9110
#: 15.6.2, 15.6.6): a method or transfer coding it does not implement, an
#: HTTP major version it does not speak. Allowed only to protocol cases.
PROTOCOL_5XX = {501, 505}
#: uWSGI writes the request line's third word, whatever it is, as the
#: protocol of its status line ("HTTX/1.1 300 Multiple Choices").
ECHOED_PROTOCOL = 'the status line echoes the request protocol'


# -- owners -------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Owner:
    """A noauth identity: user (v1 owner) and project (v2/v3 owner).

    Always ``X-Roles: member``: noauth without X-Roles is an admin, who
    may legitimately read every owner's documents.
    """

    name: str

    @property
    def user(self):
        return self.name + '-user'

    @property
    def project(self):
        return self.name

    def headers(self):
        return [(b'X-User-Id', self.user.encode()),
                (b'X-Project-Id', self.project.encode()),
                (b'X-Roles', b'member')]

    def prefix(self, version):
        return '/v1' if version == 'v1' else '/%s/%s' % (version,
                                                         self.project)


KEEPER, VICTIM, ATTACKER = Owner('keeper'), Owner('victim'), Owner('attacker')
OTHERS = {KEEPER.user, KEEPER.project, VICTIM.user, VICTIM.project}


def documents(owner):
    """The documents an owner starts with (v1 and v2 alike): kind, path
    below the prefix, body, id field of the answer.
    """
    mark = MARKERS.get(owner.name, owner.name)
    host = owner.name + '_host1'
    return [
        ('clients', '/clients', api_conftest.client_info(
            host, description=mark), 'client_id'),
        ('jobs', '/jobs', api_conftest.job_doc(host, description=mark),
         'job_id'),
        ('actions', '/actions', dict(inprocess.ACTION, description=mark),
         'action_id'),
        ('sessions', '/sessions', dict(inprocess.SESSION, description=mark),
         'session_id'),
        ('backups', '/backups', api_conftest.backup_metadata(mark),
         'backup_id'),
    ]


# -- the wire -----------------------------------------------------------

def wire(method, target, headers, body=b'', version=b'HTTP/1.1',
         length=True):
    """The bytes of one request; ``Host`` first, then ``headers``."""
    lines = [b' '.join([_b(method), _b(target), version]),
             b'Host: 127.0.0.1']
    lines += [_b(name) + b': ' + _b(value) for name, value in headers]
    if length and (body or _b(method) in (b'POST', b'PUT', b'PATCH')):
        lines.append(b'Content-Length: %d' % len(body))
    return b'\r\n'.join(lines) + b'\r\n\r\n' + body


def _b(text):
    return text if isinstance(text, bytes) else text.encode('utf-8')


class Hang(Exception):
    """Nothing (more) arrived within the socket's timeout."""


class Reset(Exception):
    """The server reset the connection."""


class Closed(Exception):
    """The server closed the connection; ``partial`` is what it had sent
    of a response that never completed (empty: a clean close).
    """

    def __init__(self, partial=b''):
        super().__init__(partial[:200])
        self.partial = bytes(partial)


_STATUS = re.compile(rb'(.*) ([1-5][0-9][0-9])(?: (.*))?\Z', re.S)


@dataclasses.dataclass
class Response:
    protocol: bytes
    status: int
    headers: list
    body: bytes

    def header(self, name):
        for key, value in self.headers:
            if key == name:
                return value
        return None

    @property
    def closes(self):
        tokens = (self.header('connection') or '').lower()
        if self.protocol == b'HTTP/1.0':
            return 'keep-alive' not in tokens
        return 'close' in tokens


class Reader:
    """Reads answers off one socket."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()
        self.partial = bytearray()

    def _fill(self):
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise Hang()
        except ConnectionResetError:
            raise Reset()
        if not data:
            raise Closed(self.partial)
        self.buf += data
        self.partial += data

    def _line(self):
        while b'\n' not in self.buf:
            self._fill()
        line, _, rest = bytes(self.buf).partition(b'\n')
        self.buf = bytearray(rest)
        return line.rstrip(b'\r')

    def _exactly(self, count):
        while len(self.buf) < count:
            self._fill()
        data, self.buf = bytes(self.buf[:count]), self.buf[count:]
        return data

    def response(self, method=b'GET'):
        """The next complete response (1xx skipped).

        :raises Closed, Reset, Hang: as the connection ended.
        """
        while True:
            self.partial = bytearray(self.buf)
            match = _STATUS.match(self._line())
            if not match:
                raise Closed(self.partial)
            headers = []
            while True:
                line = self._line()
                if not line:
                    break
                name, _, value = line.partition(b':')
                headers.append((name.strip().lower().decode('latin-1'),
                                value.strip().decode('latin-1')))
            status = int(match.group(2))
            if status >= 200:
                break
        resp = Response(match.group(1), status, headers, b'')
        resp.body = self._body(resp, method)
        return resp

    def _body(self, resp, method):
        if method == b'HEAD' or resp.status in (204, 304):
            return b''
        if 'chunked' in (resp.header('transfer-encoding') or '').lower():
            body = b''
            while True:
                size = int(self._line().split(b';')[0], 16)
                if not size:
                    while self._line():
                        pass
                    return body
                body += self._exactly(size + 2)[:-2]
        length = resp.header('content-length')
        if length is not None:
            return self._exactly(int(length))
        while True:
            try:
                self._fill()
            except Closed:
                data, self.buf = bytes(self.buf), bytearray()
                return data

    def eof(self):
        """True when the server closes without sending more (what it did
        send is left in ``buf``).
        """
        try:
            while True:
                self._fill()
        except Closed:
            return not self.buf


class _Replay:
    """Stands in for a socket that received ``data`` and was closed."""

    def __init__(self, data):
        self.data = data

    def recv(self, size):
        data, self.data = self.data[:size], self.data[size:]
        return data


def parse_answer(raw, method=b"GET"):
    """The first response in ``raw`` and the bytes after it."""
    reader = Reader(_Replay(raw))
    resp = reader.response(method)
    reader.eof()
    return resp, bytes(reader.buf)


def connect(port, timeout):
    return socket.create_connection(('127.0.0.1', port), timeout=timeout)


def call(port, method, path, owner, doc=None, timeout=20, extra=()):
    """One request on its own connection; returns the ``Response``."""
    body = json.dumps(doc).encode() if doc is not None else b''
    raw = wire(method, path, owner.headers() + list(extra) + [
        (b'Content-Type', b'application/json'), (b'Connection', b'close')],
        body)
    with connect(port, timeout) as sock:
        sock.sendall(raw)
        return Reader(sock).response(_b(method))


# -- oracles ------------------------------------------------------------

def problems(resp, method, attacker=True, allowed_5xx=()):
    """What is wrong with one answer (an empty list when nothing)."""
    found = []
    if resp.status >= 500 and resp.status not in allowed_5xx:
        found.append('a %d' % resp.status)
    rid = resp.header('x-openstack-request-id')
    if resp.status >= 400:
        if not (rid or '').startswith('req-'):
            found.append('no request id header on a %d' % resp.status)
        if not (resp.header('content-type') or '').startswith(
                'application/json'):
            found.append('a %d that is not JSON' % resp.status)
        elif method != b'HEAD':
            doc = _json(resp.body)
            if not isinstance(doc, dict) or not ERROR_KEYS <= set(doc):
                found.append('a %d without the error shape' % resp.status)
            elif doc['request_id'] != rid:
                found.append('request_id in the body is not the header')
    if attacker:
        found += leaks(resp.body)
    return found


def leaks(body):
    """Another owner's documents in an answer to the attacker."""
    found = ['leaked the %s marker' % name for name, mark in MARKERS.items()
             if mark.encode() in body]
    doc = _json(body)
    if doc is not None:
        owners = set(_owner_fields(doc)) & OTHERS
        if owners:
            found.append('leaked documents of %s' % sorted(owners))
    return found


def _owner_fields(doc):
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key in ('user_id', 'project_id') and isinstance(value, str):
                yield value
            yield from _owner_fields(value)
    elif isinstance(doc, list):
        for value in doc:
            yield from _owner_fields(value)


def _json(body):
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


# -- cases --------------------------------------------------------------

@dataclasses.dataclass
class Request:
    """One request of a case, and what its answer may be."""

    raw: bytes
    method: bytes
    #: The answer must be a 4xx (an invalid write of the victim).
    refused: bool = False
    attacker: bool = True
    reads_body: bool = False


@dataclasses.dataclass
class Case:
    index: int
    category: str
    requests: list
    #: Protocol cases: one fresh connection, half-closed after sending; a
    #: clean close is an answer too.
    protocol: bool = False

    def describe(self):
        return 'case %d (%s): %s' % (self.index, self.category, [
            r.raw[:300] for r in self.requests][:3])


ROUTES = hostile.route_methods()
CONTENT_TYPES = [b'application/json', b'application/merge-patch+json',
                 b'text/plain', b'application/json; charset=latin-1',
                 b'multipart/form-data; boundary=x', b'',
                 b'application/x-www-form-urlencoded', b'x' * 300,
                 b'application/json\xff']
ODD_HEADERS = [
    (b'Accept-Encoding', b'gzip'), (b'Content-Encoding', b'gzip'),
    (b'X-Forwarded-For', b'10.0.0.1, \xff'), (b'Forwarded', b'for=";"'),
    (b'Cookie', b'a=' + b'b' * 3000), (b'X-Http-Method-Override', b'DELETE'),
    (b'X-Odd', b'\xe9\xff\x80'), (b'X-Long', b'l' * 8000),
    (b'OpenStack-API-Version', b'backup 3.1'), (b'X-Roles', b'reader'),
    (b'X-User-Id', b'attacker-user'), (b'X-Tenant-Id', b'attacker'),
    (b'Range', b'bytes=0-1'), (b'If-Match', b'"x"'),
    (b'Accept', b'application/json;q=0.5, text/html;q=1'),
    (b'Upgrade', b'h2c'), (b'Connection', b'Upgrade, HTTP2-Settings'),
]
ODD_IDENTITY = ['attacker-user' + s for s in (
    '', ' ', '\t', '%00', '\xe9', 'x' * 300, ',admin')] + ['']


class Generator:
    """Draws the cases of one run."""

    def __init__(self, seed, ids):
        self.seed = seed
        #: {'attacker'|'keeper'|'victim': {version: {kind: id}}}
        self.ids = ids

    def case(self, index):
        rng = _random('%s:%d' % (self.seed, index))
        roll = rng.random()
        if roll < 0.5:
            return Case(index, 'route', [self._route(rng) for _ in range(
                rng.choice([1, 1, 1, 2, 3, 5]))])
        if roll < 0.65:
            return Case(index, 'isolation', [self._isolation(rng)])
        if roll < 0.8:
            return Case(index, 'victim', [self._victim(rng)])
        return Case(index, 'protocol', [self._protocol(rng)], protocol=True)

    # -- well-formed requests of the attacker on the route table --------

    def _route(self, rng, owner=ATTACKER, target_owner=ATTACKER,
               odd_identity=True):
        method, template, resource = rng.choice(ROUTES)
        version = _version(template)
        ids = self.ids[target_owner.name][version]
        kind = getattr(resource, 'kind', None)
        path = self._fill(rng, template, kind, ids, owner, target_owner)
        if rng.random() < 0.1:
            method = rng.choice(['HEAD', 'OPTIONS', 'GET', 'DELETE',
                                 'PATCH', 'PUT', 'POST'])
        body = b''
        valid = inprocess.valid_body(method, template, resource, ids)
        if method in ('POST', 'PUT', 'PATCH'):
            body = hostile.body(rng, _for(valid, owner))
        elif method == 'GET' and rng.random() < 0.2:
            body = rng.choice(hostile.SEARCHES).encode()
        query = hostile.query_string(rng, method == 'GET')
        # NOTE: the hostile values are text; a well-formed request target
        # carries them percent-encoded (RFC 3986), escapes kept.
        target = parse.quote(path + ('?' + query if query else ''),
                             safe=_TARGET_SAFE)
        headers = self._headers(rng, owner, version, odd_identity)
        request = Request(wire(method, self._odd_target(rng, target),
                               headers, body), method.encode())
        # NOTE: routes that read no body (adding a job to a session) do
        # what they do whatever is sent; they are no invalid write.
        request.reads_body = valid is not None and method in (
            'POST', 'PUT', 'PATCH')
        return request

    def _fill(self, rng, template, kind, ids, owner, target_owner):
        real = {'{project_id}': target_owner.project,
                '{job_id}': ids['jobs'], '{name}': 'c-' + owner.name,
                '{item_id}': ids.get(kind, 'x')}
        path = template
        for name, value in real.items():
            if name in path:
                if rng.random() < 0.25:
                    value = rng.choice(hostile.HOSTILE_IDS)
                path = path.replace(name, value)
        return path

    @staticmethod
    def _odd_target(rng, target):
        roll = rng.random()
        if roll < 0.03:
            return target.replace('/', '//', 1)
        if roll < 0.06:
            return target + '/'
        if roll < 0.08:
            return 'http://127.0.0.1' + target
        if roll < 0.1:
            return target.replace('/', '/./', 2)
        return target

    @staticmethod
    def _headers(rng, owner, version, odd_identity):
        found = owner.headers()
        if rng.random() < 0.08 and owner is ATTACKER and odd_identity:
            found[0] = (b'X-User-Id', rng.choice(ODD_IDENTITY).encode())
        if rng.random() < 0.7:
            found.append((b'Content-Type', rng.choice(
                CONTENT_TYPES[:2] * 6 + CONTENT_TYPES)))
        found += [(k.encode(), v.encode()) for k, v in
                  hostile.headers(rng, version).items()]
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            found.append(rng.choice(ODD_HEADERS))
        return found

    # -- the attacker aiming at others' documents ------------------------

    def _isolation(self, rng):
        target_owner = rng.choice([KEEPER, VICTIM])
        version = rng.choice(['v1', 'v2', 'v3'])
        ids = self.ids[target_owner.name][version]
        kind = rng.choice(sorted(k for k in ids if k != 'clusters'))
        item = ids[kind]
        # The others' ids in the attacker's own URL, or the others' URL.
        project = rng.choice([ATTACKER, target_owner])
        prefix = project.prefix(version)
        method = rng.choice(['GET', 'GET', 'HEAD', 'DELETE', 'PATCH', 'PUT',
                             'POST'])
        path = '%s/%s/%s' % (prefix, kind, item)
        body = b''
        if rng.random() < 0.3:
            path = '%s/%s' % (prefix, kind)
            method = rng.choice(['GET', 'GET', 'POST'])
            if method == 'GET' and rng.random() < 0.5:
                path += '?search=' + parse.quote(json.dumps(
                    {'match': [{'_all': MARKERS[target_owner.name][:6]}]}))
        if method in ('POST', 'PUT', 'PATCH'):
            body = json.dumps({'description': 'overwritten'}
                              if method == 'PATCH' else
                              dict(documents(ATTACKER)[
                                  _KINDS.index(kind)][2])).encode()
        headers = ATTACKER.headers() + [
            (b'Content-Type', b'application/json')]
        if version == 'v3':
            headers.append((b'OpenStack-API-Version', b'backup latest'))
        if 'all_projects' not in path and rng.random() < 0.2:
            path += ('&' if '?' in path else '?') + 'all_projects=True'
        return Request(wire(method, path, headers, body), method.encode())

    # -- invalid writes of the victim ----------------------------------

    def _victim(self, rng):
        while True:
            request = self._route(rng, owner=VICTIM, target_owner=VICTIM)
            if not request.reads_body:
                continue
            head, _, body = request.raw.partition(b'\r\n\r\n')
            if _surely_invalid(body):
                request.refused, request.attacker = True, False
                return request

    # -- garbage framing -----------------------------------------------

    def _protocol(self, rng):
        raw = self._route(rng, odd_identity=False).raw
        # The request line, the identity lines (kept whole: no mutation
        # may turn the attacker into an admin by losing X-Roles), the rest.
        line, rest = raw.split(b'\r\n', 1)
        identity = b'\r\n'.join(b'%s: %s' % pair
                                for pair in ATTACKER.headers())
        assert identity in rest
        before, after = rest.split(identity, 1)
        for _ in range(rng.choice([1, 1, 2, 3])):
            line, after = rng.choice(MUTATIONS)(rng, line, after)
        raw = line + b'\r\n' + before + identity + after
        if rng.random() < 0.03:
            raw = rng.choice(NOT_HTTP)
        return Request(raw, line.split(b' ')[0])


_TARGET_SAFE = "/?&=%!$'()*+,;:@~-._"
_KINDS = ['clients', 'jobs', 'actions', 'sessions', 'backups']


def _for(valid, owner):
    """A valid body as ``owner`` would send it (its own client)."""
    if isinstance(valid, dict) and valid.get('client_id') == 'p1_host1':
        valid = dict(valid, client_id=owner.name + '_host1')
    return valid


def _surely_invalid(body):
    """True when the service's own decoder refuses ``body`` outright."""
    if not body.strip():
        return True
    try:
        jsonutils.loads_client(body)
    except Exception:  # noqa: BLE001 - any refusal will do
        return True
    return False


def _version(template):
    first = template.split('/')[1] if template.startswith('/v') else 'v2'
    return first if first in ('v1', 'v2', 'v3') else 'v2'


def _random(text):
    return random.Random(text)


# -- mutations of one request's framing: (rng, line, after) -> both --------

def _method(rng, line, after):
    parts = line.split(b' ', 1)
    odd = rng.choice([b'BREW', b'get', b'G(T', b'', b'TRACE', b'CONNECT',
                      b'PROPFIND', b'GET\t', b'M' * 300, b'P\xc3\xb6ST'])
    return b' '.join([odd] + parts[1:]), after


def _protocol_version(rng, line, after):
    head = line.rsplit(b' ', 1)[0]
    odd = rng.choice([b'HTTP/1.0', b'HTTP/2.0', b'HTTP/0.9', b'HTTX/1.1',
                      b'HTTP/1.1 x', b'http/1.1', b'HTTP/1.10', b'HTTP/1',
                      b'HTTP/3.0', b''])
    return (head + b' ' + odd if odd else head), after


def _target(rng, line, after):
    method, target, version = (line.split(b' ') + [b'', b''])[:3]
    odd = rng.choice([target + b'\xc3\xa9', target.replace(b'/', b' /', 1),
                      b'/' + b'a' * rng.choice([9000, 20000]), b'*', b'v2',
                      b'', target + b'#frag', target + b'\x7f',
                      target + b'%', target + b'?' + b'&' * 5000])
    return b' '.join([method, odd, version]), after


def _header_section(rng, line, after):
    odd = rng.choice([
        b'\r\nHost: 127.0.0.1', b'\r\nNonsense', b'\r\nX-A : b',
        b'\r\nX-A: b\r\n c', b'\r\nX-A: b\x00c', b'\r\nX-A: b\rc',
        b'\r\nX-Long: ' + b'a' * 20000,
        b''.join(b'\r\nX-H%d: v' % i for i in range(101)),
        b'\r\n: empty-name', b'\r\nX\xffA: b', b'\r\nExpect: magic',
        b'\r\nExpect: 100-continue'])
    head, sep, body = after.partition(b'\r\n\r\n')
    return line, head + odd + sep + body


def _framing(rng, line, after):
    head, sep, body = after.partition(b'\r\n\r\n')
    head = re.sub(rb'\r\nContent-Length: [0-9]+', b'', head)
    odd = rng.choice([
        b'Content-Length: 1e3', b'Content-Length: -1',
        b'Content-Length: ' + b'9' * 30, b'Content-Length: 2\r\n'
        b'Content-Length: 3', b'Content-Length: %d' % (len(body) + 40),
        b'Content-Length: %d' % max(len(body) - 3, 0),
        b'Transfer-Encoding: chunked', b'Transfer-Encoding: gzip',
        b'Transfer-Encoding: chunked\r\nContent-Length: 2',
        b'Content-Length: +%d' % len(body), b'Content-Length:  %d ' % len(
            body)])
    if odd == b'Transfer-Encoding: chunked' and rng.random() < 0.5:
        body = b'%x\r\n%s\r\n0\r\n\r\n' % (len(body), body)
    elif odd == b'Transfer-Encoding: chunked':
        body = rng.choice([b'zz\r\n', b'2\r\nabcd\r\n0\r\n\r\n',
                           b'ffffffffff\r\n', b'5;' + b'x' * 9000 + b'\r\n'])
    return line, head + b'\r\n' + odd + sep + body


def _line_endings(rng, line, after):
    odd = rng.choice([b'\n', b'\r', b'\r\r\n', b'\n\r'])
    return line, after.replace(b'\r\n', odd, rng.choice([1, 2, 50]))


def _truncate(rng, line, after):
    return line, after[:rng.randrange(len(after) + 1)]


def _flip(rng, line, after):
    data = bytearray(line)
    if data:
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data), after


def _pipeline_garbage(rng, line, after):
    return line, after + rng.choice([b'\r\n\r\n', b'garbage\r\n\r\n',
                                     b'GET / HTTP/1.1\r\n\r\n', b'\x00'])


MUTATIONS = [_method, _protocol_version, _target, _header_section, _framing,
             _framing, _line_endings, _truncate, _flip, _pipeline_garbage]

NOT_HTTP = [b'\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03'
            + bytes(range(256)),
            b'\x00' * 100, b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', b'\r\n' * 10,
            bytes(range(256)) * 4]


# -- owners' documents over HTTP ---------------------------------------------

def seed(port, owner):
    """Create ``owner``'s documents; return {version: {kind: id}}."""
    ids = {}
    for version in ('v1', 'v2'):
        ids[version] = {}
        for kind, path, doc, field in documents(owner):
            resp = call(port, 'POST', owner.prefix(version) + path, owner,
                        doc)
            assert resp.status == 201, (owner, path, resp)
            ids[version][kind] = json.loads(resp.body)[field]
    ids['v3'] = ids['v2']
    return ids


def snapshot(port, owner, ids):
    """Every document of ``owner`` as its GETs answer it (item and list,
    in every version): {path: (status, body bytes)}.
    """
    found = {}
    latest = [(b'OpenStack-API-Version', b'backup latest')]
    for version, kinds in sorted(ids.items()):
        extra = latest if version == 'v3' else []
        for kind, item in sorted(kinds.items()):
            for path in ('%s/%s/%s' % (owner.prefix(version), kind, item),
                         '%s/%s?limit=1000' % (owner.prefix(version), kind)):
                resp = call(port, 'GET', path, owner, extra=extra)
                found[path] = (resp.status, _DERIVED.sub(
                    rb'"state":"(derived)"', resp.body))
    return found


#: What a v3 client's view adds from the clock, not from the store: its
#: scheduler is up until its heartbeat is old enough.
_DERIVED = re.compile(rb'"state":"(up|down)"')


# -- a run -------------------------------------------------------------

@dataclasses.dataclass
class Settings:
    seed: str
    requests: int
    deadline: float
    timeout: float
    threads: int = 4
    burst_every: int = 1000
    burst_size: int = 50
    #: Named behaviours of the server in front (not of our application)
    #: that are counted instead of failed; see test_socket_fuzz.py.
    tolerated: frozenset = frozenset()


class Run:
    """Sends the cases of one run from ``settings.threads`` threads, each on
    a keep-alive connection of its own (protocol cases and bursts on fresh
    ones), and collects what the oracles found.
    """

    def __init__(self, port, generator, settings):
        self.port = port
        self.generator = generator
        self.settings = settings
        self.counts = collections.Counter()
        self.statuses = collections.Counter()
        self.failures = []
        self.timed_out = False
        self._next = 0
        self._lock = threading.Lock()
        self._end = None
        self.elapsed = 0.0

    # -- bookkeeping ----------------------------------------------------

    def count(self, name, n=1):
        with self._lock:
            self.counts[name] += n

    def fail(self, case, what):
        with self._lock:
            if len(self.failures) < 200:
                self.failures.append('%s: %s' % (what, case.describe()))
            self.counts['failures'] += 1

    def tolerate(self, name, case):
        """A behaviour of the server in front: counted when tolerated."""
        if name in self.settings.tolerated:
            self.count('tolerated: ' + name)
        else:
            self.fail(case, name)

    def _take(self):
        with self._lock:
            if self.counts['requests'] >= self.settings.requests:
                return None
            if time.monotonic() > self._end:
                self.timed_out = True
                return None
            index, self._next = self._next, self._next + 1
            return index

    # -- the run ---------------------------------------------------------

    def go(self, only=None):
        """Run (only the case indices ``only`` when given)."""
        self._end = time.monotonic() + self.settings.deadline
        if only is not None:
            for index in only:
                self._case(self.generator.case(index), _Conn(self))
            return self
        workers = [threading.Thread(target=self._work, daemon=True)
                   for _ in range(self.settings.threads)]
        for worker in workers:
            worker.start()
        started = time.monotonic()
        for worker in workers:
            worker.join(self.settings.deadline + 60)
        self.elapsed = time.monotonic() - started
        return self

    def _work(self):
        conn = _Conn(self)
        try:
            while True:
                index = self._take()
                if index is None:
                    return
                try:
                    if index and index % self.settings.burst_every == 0:
                        self._burst(index)
                    self._case(self.generator.case(index), conn)
                except Exception as exc:  # noqa: BLE001 - a failure too
                    conn.close()
                    self.fail(Case(index, 'any', []), 'the fuzzer itself '
                              'failed: %r' % exc)
        finally:
            conn.close()

    def _case(self, case, conn):
        self.count('case: ' + case.category)
        if case.protocol:
            self._protocol(case)
        else:
            self._well_formed(case, conn)

    def _check(self, case, request, resp, allowed_5xx=()):
        self.statuses[resp.status] += 1
        if request.refused and not 400 <= resp.status < 500:
            self.fail(case, 'an invalid write of the victim got %d'
                      % resp.status)
        for problem in problems(resp, request.method, request.attacker,
                                allowed_5xx):
            self.fail(case, problem)
        if resp.protocol not in (b'HTTP/1.1', b'HTTP/1.0'):
            self.tolerate(ECHOED_PROTOCOL, case)

    # -- well-formed requests: every one answered -----------------------

    def _well_formed(self, case, conn):
        pending = list(case.requests)
        while pending:
            fresh = conn.sock is None
            try:
                reader = conn.send(b''.join(r.raw for r in pending),
                                   len(pending))
                while pending:
                    resp = reader.response(pending[0].method)
                    self._check(case, pending.pop(0), resp)
                    if resp.closes:
                        conn.close()
                        break
            except Closed as exc:
                conn.close()
                if exc.partial:
                    self.fail(case, 'a half-written answer %r'
                              % exc.partial[:100])
                    return
                if fresh:
                    self.fail(case, 'closed with %d requests unanswered'
                              % len(pending))
                    return
                # NOTE: a reused connection the server had closed first
                # (keep-alive timeout): sent again once, as clients do.
                self.count('stale connection, sent again')
            except Reset:
                conn.close()
                self.fail(case, 'connection reset')
                return
            except Hang:
                conn.close()
                self.fail(case, 'no answer within %gs' % self.settings.timeout)
                return
            except OSError as exc:
                conn.close()
                self.fail(case, 'send failed: %r' % exc)
                return

    # -- garbage: answered in the error shape, or closed cleanly ---------

    def _protocol(self, case):
        request = case.requests[0]
        self.count('requests')
        try:
            sock = connect(self.port, self.settings.timeout)
        except OSError as exc:
            self.fail(case, 'connect failed: %r' % exc)
            return
        with sock:
            try:
                sock.sendall(request.raw)
                sock.shutdown(socket.SHUT_WR)
            except OSError:
                self.count('protocol: closed while sending')
            reader = Reader(sock)
            for _ in range(5):
                try:
                    resp = reader.response(request.method)
                except Closed as exc:
                    if exc.partial:
                        self.fail(case, 'a half-written answer %r'
                                  % exc.partial[:100])
                    elif not reader.partial and _ == 0:
                        self.count('protocol: closed unanswered')
                    return
                except Reset:
                    self.tolerate('reset after garbage', case)
                    return
                except Hang:
                    self.tolerate('garbage held open past %gs'
                                  % self.settings.timeout, case)
                    return
                self._check(case, request, resp, PROTOCOL_5XX)
                if resp.closes:
                    self._after_close(case, request, resp, reader)
                    return

    def _after_close(self, case, request, resp, reader):
        try:
            if reader.eof():
                return
        except (Reset, Hang):
            return
        rest = bytes(reader.buf)
        # NOTE: a request line too long or too broken to read is refused
        # before its method is known: a HEAD gets the body of its error.
        if request.method == b'HEAD' and resp.status in (400, 414) and (
                len(rest) == int(resp.header('content-length') or -1)):
            self.count('protocol: unreadable HEAD refused with a body')
            return
        self.fail(case, 'bytes after an answer that closes the connection:'
                  ' %r' % rest[:100])

    # -- bursts: many writers at the same instant ---------------------

    def _burst(self, index):
        size = self.settings.burst_size
        barrier = threading.Barrier(size)
        rng = _random('%s:burst:%d' % (self.settings.seed, index))
        bodies = [json.dumps(api_conftest.backup_metadata('burst-%d-%d' % (
            index, i))).encode() if rng.random() < 0.7 else hostile.body(
                rng, api_conftest.backup_metadata()) for i in range(size)]

        def writer(body):
            request = Request(wire('POST', '/v2/attacker/backups',
                                   ATTACKER.headers(), body), b'POST')
            case = Case(index, 'burst', [request])
            sock = None
            try:
                sock = connect(self.port, self.settings.timeout)
                barrier.wait(self.settings.timeout)
                sock.sendall(request.raw)
                self._check(case, request, Reader(sock).response(b'POST'))
            except (OSError, Closed, Reset, Hang,
                    threading.BrokenBarrierError) as exc:
                self.fail(case, 'a burst writer got %r' % exc)
            finally:
                if sock is not None:
                    sock.close()

        threads = [threading.Thread(target=writer, args=(b,), daemon=True)
                   for b in bodies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(self.settings.timeout * 3)
        self.count('requests', size)
        self.count('case: burst')

    def report(self):
        return ('seed %s: %d requests in %.1fs%s; statuses %s; %s' % (
            self.settings.seed, self.counts['requests'], self.elapsed,
            ' (cut by the deadline)' if self.timed_out else '',
            dict(sorted(self.statuses.items())),
            dict(sorted((k, v) for k, v in self.counts.items()
                        if k != 'requests'))))


class _Conn:
    """A worker's keep-alive connection."""

    def __init__(self, run):
        self.run = run
        self.sock = None

    def send(self, raw, count):
        if self.sock is None:
            self.sock = connect(self.run.port, self.run.settings.timeout)
            self.reader = Reader(self.sock)
        self.sock.sendall(raw)
        self.run.count('requests', count)
        return self.reader

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None
