"""The ``freezer-api`` server process under bursts, keep-alive and bad HTTP.

Every test starts the real console script (noauth, SQLite) and talks to it
over loopback sockets: raw bytes for what no client library would send,
``http.client`` where the connection itself is what is checked.
"""

import contextlib
import http.client
import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest

from tests.fixtures.deployment import stop
from tests.fixtures.deployment import wait_ready
from tests.fixtures.ports import free_port

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

BIN = os.path.dirname(sys.executable)
IDENTITY = {'X-User-Id': 'burst-user', 'X-Project-Id': 'burst'}
ERROR_KEYS = {'title', 'description', 'message', 'code', 'request_id'}


class Server:
    """A running ``freezer-api`` process."""

    def __init__(self, proc, port, log):
        self.proc = proc
        self.port = port
        self.log = log
        self.url = 'http://127.0.0.1:%d' % port

    def connect(self, timeout=20):
        return socket.create_connection(('127.0.0.1', self.port),
                                        timeout=timeout)

    def http(self, timeout=20):
        return http.client.HTTPConnection('127.0.0.1', self.port,
                                          timeout=timeout)


def launch(workdir, **options):
    """Sync a SQLite store and start ``freezer-api`` in ``workdir`` with
    extra ``[DEFAULT]`` options; return the ready ``Server``.
    """
    port = free_port()
    conf = workdir / 'freezer-api.conf'
    lines = ['[DEFAULT]', 'bind_host = 127.0.0.1', 'bind_port = %d' % port,
             'auth_strategy = noauth', 'state_path = %s' % workdir]
    # NOTE: no draining window after SIGTERM unless a test asks for one.
    options.setdefault('graceful_shutdown_timeout', 0)
    lines += ['%s = %s' % item for item in options.items()]
    lines += ['[database]',
              'connection = sqlite:///%s' % (workdir / 'db.sqlite')]
    conf.write_text('\n'.join(lines) + '\n')
    synced = subprocess.run(
        [os.path.join(BIN, 'freezer-manage'), '--config-file', str(conf),
         'db', 'sync'], capture_output=True, text=True, timeout=120)
    assert synced.returncode == 0, synced.stderr
    log = workdir / 'api.log'
    with open(log, 'w') as out:
        proc = subprocess.Popen(
            [os.path.join(BIN, 'freezer-api'), '--config-file', str(conf)],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    server = Server(proc, port, log)
    try:
        wait_ready(proc, server.url + '/health', log)
    except BaseException:
        stop(proc)
        raise
    return server


@pytest.fixture
def start(tmp_path):
    """``start(**options)`` runs a server; every one is stopped by PID."""
    started = []

    def _start(**options):
        workdir = tmp_path / ('server%d' % len(started))
        workdir.mkdir()
        started.append(launch(workdir, **options))
        return started[-1]

    yield _start
    for server in started:
        stop(server.proc)


@pytest.fixture(scope='module')
def shared(tmp_path_factory):
    """One server (defaults but a 1 s client_socket_timeout, for the 408)
    for the checks that need no options; each stores its own names.
    """
    server = launch(tmp_path_factory.mktemp('malformed'),
                    client_socket_timeout=1)
    yield server
    stop(server.proc)


def backup(name):
    return json.dumps({'container': 'c', 'hostname': 'h',
                       'backup_name': name, 'level': 0}).encode()


def post_request(name, extra=b''):
    body = backup(name)
    return (b'POST /v2/burst/backups HTTP/1.1\r\nHost: 127.0.0.1\r\n'
            b'Content-Type: application/json\r\nX-User-Id: burst-user\r\n'
            b'X-Project-Id: burst\r\nContent-Length: %d\r\n%s\r\n%s'
            % (len(body), extra, body))


def read_all(sock):
    """Everything the server sends until it closes; a reset fails."""
    data = b''
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def parse(raw):
    """(status, {header: value}, body) of one complete response."""
    head, sep, body = raw.partition(b'\r\n\r\n')
    assert sep, 'no complete response head: %r' % raw[:200]
    lines = head.decode('latin-1').split('\r\n')
    version, status, _ = lines[0].split(' ', 2)
    assert version == 'HTTP/1.1'
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(':')
        headers[name.strip().lower()] = value.strip()
    return int(status), headers, body


def assert_json_error(raw, status):
    """One complete response in the service's error shape."""
    got, headers, body = parse(raw)
    assert got == status, raw[:300]
    assert headers['content-type'] == 'application/json'
    assert int(headers['content-length']) == len(body)
    doc = json.loads(body)
    assert set(doc) == ERROR_KEYS
    assert doc['request_id'] == headers['x-openstack-request-id']
    assert doc['request_id'].startswith('req-')
    assert doc['description'] == doc['message'] and doc['description']
    assert b'<html' not in raw.lower()
    return doc, headers


def burst(server, clients, name):
    """``clients`` threads connect at the same instant and each POSTs a
    backup; return their statuses (or exceptions).
    """
    barrier = threading.Barrier(clients)
    results = [None] * clients

    def client(i):
        conn = server.http(timeout=30)
        barrier.wait()
        try:
            conn.connect()
            conn.request('POST', '/v2/burst/backups', body=backup(
                '%s-%d' % (name, i)), headers=dict(
                IDENTITY, **{'Content-Type': 'application/json'}))
            resp = conn.getresponse()
            results[i] = (resp.status, json.loads(resp.read()))
        except Exception as exc:  # noqa: BLE001 - reported below
            results[i] = exc
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,))
               for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def stored_names(server, prefix):
    conn = server.http()
    conn.request('GET', '/v2/burst/backups?limit=1000', headers=IDENTITY)
    docs = json.loads(conn.getresponse().read())['backups']
    conn.close()
    return sorted(d['backup_metadata']['backup_name'] for d in docs
                  if d['backup_metadata']['backup_name'].startswith(prefix))


# -------------------------------------------------------------- bursts --

@pytest.mark.parametrize('options', [
    {},
    {'server_threads': 2},
], ids=['defaults', 'two-threads'])
def test_64_clients_connecting_and_posting_at_once_all_get_201(start,
                                                               options):
    server = start(**options)
    results = burst(server, 64, 'b')
    failures = [r for r in results if not isinstance(r, tuple)
                or r[0] != 201]
    assert failures == []
    assert stored_names(server, 'b-') == sorted('b-%d' % i
                                                for i in range(64))


def test_50_concurrent_writers_on_one_thread_are_all_answered(start):
    server = start(server_threads=1)
    results = burst(server, 50, 'w')
    assert [r for r in results if not isinstance(r, tuple)
            or r[0] != 201] == []
    assert len(stored_names(server, 'w-')) == 50


def test_full_queue_is_answered_503_with_retry_after(start):
    server = start(server_threads=1, server_queue_size=1,
                   client_socket_timeout=20)
    # The one worker reads a body that is only half sent ...
    busy = server.connect()
    request = post_request('slow')
    busy.sendall(request[:-5])
    time.sleep(0.5)
    # ... one request waits in the queue (NOTE: on a loaded machine the
    # worker may not have taken the first one yet, and this one is refused
    # at once: then it is sent again) ...
    for _attempt in range(20):
        queued = server.connect()
        queued.sendall(post_request('queued'))
        if not select.select([queued], [], [], 1.0)[0]:
            break
        assert_json_error(read_all(queued), 503)
        queued.close()
    else:
        pytest.fail('the worker never took the half-sent request')
    # ... and the next one finds the queue full.
    refused = server.connect()
    refused.sendall(post_request('refused'))
    doc, headers = assert_json_error(read_all(refused), 503)
    assert headers['retry-after'].isdigit()
    assert doc['code'] == 'freezer.server.busy'
    busy.sendall(request[-5:])
    assert parse(busy.recv(65536))[0] == 201
    assert parse(queued.recv(65536))[0] == 201
    assert stored_names(server, '') == ['queued', 'slow']


def test_backlog_is_configurable_and_capped_by_somaxconn(start):
    if not shutil.which('ss'):
        pytest.skip('ss (iproute2) is needed to read a listen backlog')
    small = start(backlog=77)
    huge = start(backlog=10 ** 7)

    def listen_backlog(port):
        out = subprocess.run(['ss', '-ltnH', 'sport = :%d' % port],
                             capture_output=True, text=True, timeout=10)
        return int(out.stdout.split()[2])

    assert listen_backlog(small.port) == 77
    with open('/proc/sys/net/core/somaxconn') as f:
        ceiling = int(f.read())
    assert listen_backlog(huge.port) == min(ceiling, 10 ** 7)
    assert 'backlog=%d' % min(ceiling, 10 ** 7) in huge.log.read_text()


# ---------------------------------------------------------- keep-alive --

def test_one_connection_carries_many_requests(shared):
    server = shared
    conn = server.http()
    conn.connect()
    sock, local = conn.sock, conn.sock.getsockname()
    ids = []
    for i in range(5):
        conn.request('POST', '/v2/burst/backups', body=backup('k%d' % i),
                     headers=dict(IDENTITY,
                                  **{'Content-Type': 'application/json'}))
        resp = conn.getresponse()
        assert resp.status == 201
        ids.append(json.loads(resp.read())['backup_id'])
    conn.request('GET', '/v2/burst/backups/nope', headers=IDENTITY)
    missing = conn.getresponse()
    assert missing.status == 404 and json.loads(missing.read())['code']
    conn.request('GET', '/v2/burst/backups/' + ids[0], headers=IDENTITY)
    assert conn.getresponse().read()
    assert conn.sock is sock and conn.sock.getsockname() == local
    conn.close()


def test_pipelined_requests_are_answered_in_order(shared):
    server = shared
    with contextlib.closing(server.connect()) as sock:
        sock.sendall(post_request('p1') + post_request('p2')
                     + b'GET /health HTTP/1.1\r\nHost: x\r\n'
                       b'Connection: close\r\n\r\n')
        raw = read_all(sock)
    assert re.findall(rb'HTTP/1.1 (\d+) ', raw) == [b'201', b'201', b'200']
    assert stored_names(server, 'p') == ['p1', 'p2']


def test_http_1_0_keep_alive_and_close(shared):
    server = shared
    with contextlib.closing(server.connect()) as sock:
        sock.sendall(b'GET /health HTTP/1.0\r\nConnection: keep-alive\r\n'
                     b'\r\n')
        status, headers, _ = parse(sock.recv(65536))
        assert status == 200 and headers['connection'] == 'keep-alive'
        sock.sendall(b'GET /health HTTP/1.0\r\n\r\n')
        status, headers, _ = parse(read_all(sock))
        assert status == 200 and headers['connection'] == 'close'


def test_idle_keep_alive_connections_hold_no_worker(start):
    server = start(server_threads=2, keepalive_timeout=2)
    idle = []
    for _ in range(8):
        conn = server.http()
        conn.request('GET', '/health')
        assert conn.getresponse().read()
        idle.append(conn)
    started = time.monotonic()
    fresh = server.http(timeout=5)
    fresh.request('GET', '/health')
    assert fresh.getresponse().status == 200
    assert time.monotonic() - started < 1.5
    # Past keepalive_timeout the server closes idle connections (EOF).
    time.sleep(3)
    for conn in idle:
        assert conn.sock.recv(1) == b''
        conn.close()
    # SIGTERM with a keep-alive connection open: a clean exit.
    last = server.http(timeout=5)
    last.request('GET', '/health')
    assert last.getresponse().read()
    stop(server.proc)
    assert server.proc.returncode == 0


# ------------------------------------------------------- malformed HTTP --

HOST = b'Host: x\r\n'
MALFORMED = [
    ('not-a-request-line', b'garbage\r\n\r\n', 400),
    ('high-bytes-line', b'\xff\xfe\xfd\r\n\r\n', 400),
    ('http-0.9', b'GET /\r\n\r\n', 400),
    ('extra-word', b'GET / HTTP/1.1 x\r\n' + HOST + b'\r\n', 400),
    ('bad-version', b'GET / HTTX/1.1\r\n\r\n', 400),
    ('http-2', b'GET / HTTP/2.0\r\n\r\n', 505),
    ('http-0.x', b'GET / HTTP/0.9\r\n\r\n', 505),
    ('unknown-method', b'BREW /v2/burst/backups HTTP/1.1\r\n' + HOST
     + b'\r\n', 501),
    ('method-not-a-token', b'G(T / HTTP/1.1\r\n' + HOST + b'\r\n', 400),
    ('relative-target', b'GET v2 HTTP/1.1\r\n' + HOST + b'\r\n', 400),
    ('non-ascii-target', b'GET /\xc3\xa9 HTTP/1.1\r\n' + HOST + b'\r\n',
     400),
    ('uri-too-long', b'GET /' + b'a' * 20000 + b' HTTP/1.1\r\n' + HOST
     + b'\r\n', 414),
    ('header-too-long', b'GET / HTTP/1.1\r\n' + HOST + b'X-Long: '
     + b'a' * 20000 + b'\r\n\r\n', 431),
    ('too-many-headers', b'GET / HTTP/1.1\r\n' + HOST
     + b''.join(b'X-H%d: v\r\n' % i for i in range(101)) + b'\r\n', 431),
    ('header-without-colon', b'GET / HTTP/1.1\r\n' + HOST
     + b'Nonsense\r\n\r\n', 400),
    ('space-before-colon', b'GET / HTTP/1.1\r\n' + HOST
     + b'X-A : b\r\n\r\n', 400),
    ('folded-header', b'GET / HTTP/1.1\r\n' + HOST + b'X-A: b\r\n c\r\n\r\n',
     400),
    ('control-in-value', b'GET / HTTP/1.1\r\n' + HOST
     + b'X-A: b\x00c\r\n\r\n', 400),
    ('no-host', b'GET / HTTP/1.1\r\n\r\n', 400),
    ('two-hosts', b'GET / HTTP/1.1\r\n' + HOST + HOST + b'\r\n', 400),
    ('bad-content-length', b'POST /v2/burst/backups HTTP/1.1\r\n' + HOST
     + b'Content-Length: 1e3\r\n\r\n', 400),
    ('huge-content-length', b'POST /v2/burst/backups HTTP/1.1\r\n' + HOST
     + b'Content-Length: ' + b'9' * 5000 + b'\r\n\r\n', 400),
    ('conflicting-lengths', b'POST /v2/burst/backups HTTP/1.1\r\n' + HOST
     + b'Content-Length: 2\r\nContent-Length: 3\r\n\r\nabc', 400),
    ('length-and-chunked', b'POST /v2/burst/backups HTTP/1.1\r\n' + HOST
     + b'Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
     400),
    ('unknown-coding', b'POST /v2/burst/backups HTTP/1.1\r\n' + HOST
     + b'Transfer-Encoding: gzip\r\n\r\n', 501),
    ('bad-chunk-size', b'POST /v2/burst/backups HTTP/1.1\r\n' + HOST
     + b'Transfer-Encoding: chunked\r\n\r\nzz\r\n', 400),
    ('chunk-without-crlf', b'POST /v2/burst/backups HTTP/1.1\r\n' + HOST
     + b'Transfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n0\r\n\r\n', 400),
    ('chunked-body-too-large', b'POST /v2/burst/backups HTTP/1.1\r\n' + HOST
     + b'Transfer-Encoding: chunked\r\n\r\n'
     + b'10000\r\n' + b'x' * 0x10000 + b'\r\n' + b'10000\r\n', 413),
    ('unknown-expectation', b'GET / HTTP/1.1\r\n' + HOST
     + b'Expect: magic\r\n\r\n', 417),
]


@pytest.mark.parametrize('raw,status', [m[1:] for m in MALFORMED],
                         ids=[m[0] for m in MALFORMED])
def test_malformed_request_gets_the_json_error_shape(shared, raw, status):
    with contextlib.closing(shared.connect(timeout=10)) as sock:
        sock.sendall(raw)
        answer = read_all(sock)
    assert_json_error(answer, status)


def test_a_request_that_stops_halfway_gets_408(shared):
    with contextlib.closing(shared.connect(timeout=10)) as sock:
        sock.sendall(b'GET /health HTTP/1.1\r\nHost: x\r\n')
        started = time.monotonic()
        doc, _ = assert_json_error(read_all(sock), 408)
    assert time.monotonic() - started < 5
    assert doc['code'] == 'freezer.request.timeout'


def test_a_request_cut_short_by_a_half_close_gets_400(shared):
    with contextlib.closing(shared.connect(timeout=10)) as sock:
        sock.sendall(post_request('cut')[:-3])
        sock.shutdown(socket.SHUT_WR)
        assert_json_error(read_all(sock), 400)
    assert stored_names(shared, 'cut') == []


@pytest.mark.parametrize('garbage', [
    b'\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03' + bytes(range(256)),
    b'\x00' * 100,
    b'GET / HTTP/1.1\x00\r\n\r\n',
], ids=['tls-hello', 'zeros', 'nul-in-line'])
def test_bytes_that_are_not_http_get_a_clean_close(shared, garbage):
    with contextlib.closing(shared.connect(timeout=10)) as sock:
        sock.sendall(garbage)
        started = time.monotonic()
        assert read_all(sock) == b''
    assert time.monotonic() - started < 3


def test_app_errors_stay_json_and_head_answers_have_no_body(shared):
    conn = shared.http()
    conn.request('DELETE', '/')
    resp = conn.getresponse()
    assert resp.status == 405
    assert resp.getheader('Content-Type') == 'application/json'
    assert set(json.loads(resp.read())) == ERROR_KEYS
    # A HEAD answer announces a body length but sends no body: the next
    # response on the connection starts right after its head.
    conn.request('HEAD', '/v2/burst/backups', headers=IDENTITY)
    head = conn.getresponse()
    assert int(head.getheader('Content-Length')) > 0
    assert head.read() == b''
    conn.request('GET', '/v2/burst/backups', headers=IDENTITY)
    assert conn.getresponse().status == 200
    conn.close()


def test_expect_100_continue_then_body(shared):
    with contextlib.closing(shared.connect(timeout=10)) as sock:
        request = post_request('cont', b'Expect: 100-continue\r\n')
        head, _, body = request.partition(b'\r\n\r\n')
        sock.sendall(head + b'\r\n\r\n')
        assert sock.recv(100) == b'HTTP/1.1 100 Continue\r\n\r\n'
        sock.sendall(body)
        assert parse(sock.recv(65536))[0] == 201


def test_chunked_body_is_accepted(shared):
    body = backup('chunky')
    chunks = b''.join(b'%x\r\n%s\r\n' % (len(part), part)
                      for part in (body[:10], body[10:]))
    with contextlib.closing(shared.connect(timeout=10)) as sock:
        sock.sendall(b'POST /v2/burst/backups HTTP/1.1\r\nHost: x\r\n'
                     b'Content-Type: application/json\r\n'
                     b'X-User-Id: burst-user\r\nX-Project-Id: burst\r\n'
                     b'Transfer-Encoding: chunked\r\nConnection: close\r\n'
                     b'\r\n' + chunks + b'0\r\nX-Trailer: t\r\n\r\n')
        assert parse(read_all(sock))[0] == 201
