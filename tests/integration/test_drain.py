"""SIGTERM to the real ``freezer-api``: it drains for
``graceful_shutdown_timeout`` seconds (/health/ready and /status say
``draining``, every request is still answered), the requests in flight at
SIGTERM complete, then the process exits 0 by itself.

The request in flight is a POST whose body the test sends in two halves,
with the SIGTERM between them: the server is in the middle of reading it.
"""

import http.client
import json
import os
import signal
import socket
import time

import pytest

from tests.integration.test_server_burst import IDENTITY
from tests.integration.test_server_burst import start  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

PATH = '/v2/burst/backups'
ADMIN = dict(IDENTITY, **{'X-Roles': 'admin'})


def _half_sent_post(server, name):
    """Open a connection and send a POST with half of its body; return the
    socket and the other half.
    """
    body = json.dumps({'container': 'c', 'hostname': 'h',
                       'backup_name': name, 'padding': 'x' * 4000}).encode()
    head = ('POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json'
            '\r\nContent-Length: %d\r\nX-User-Id: %s\r\nX-Project-Id: %s'
            '\r\n\r\n' % (PATH, len(body), IDENTITY['X-User-Id'],
                          IDENTITY['X-Project-Id'])).encode()
    sock = server.connect()
    sock.sendall(head + body[:len(body) // 2])
    return sock, body[len(body) // 2:]


def _response(sock):
    """Read one response (Content-Length framed) from a raw socket."""
    resp = http.client.HTTPResponse(sock)
    resp.begin()
    return resp.status, json.loads(resp.read())


def _get(server, path, headers=IDENTITY):
    conn = server.http(timeout=5)
    try:
        conn.request('GET', path, headers=headers)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b'null')
    finally:
        conn.close()


def _exit_code(proc, timeout):
    try:
        return proc.wait(timeout=timeout)
    except Exception:
        return None


def test_sigterm_drains_then_exits_0(start):  # noqa: F811
    server = start(graceful_shutdown_timeout=4)
    assert _get(server, '/health/ready')[0] == 200
    in_flight, rest = _half_sent_post(server, 'in-flight')
    time.sleep(0.3)  # the server is reading the body now
    os.kill(server.proc.pid, signal.SIGTERM)
    signalled = time.monotonic()

    # The window: readiness refused, /status says so, requests answered.
    status, body = _get(server, '/health/ready')
    assert (status, body) == (503, {'status': 'draining'})
    status, body = _get(server, '/status', ADMIN)
    assert status == 200 and body['state'] == 'draining'
    assert _get(server, '/health/live')[0] == 200
    assert _get(server, PATH)[0] == 200

    # The request in flight at SIGTERM completes and is stored.
    time.sleep(1)
    in_flight.sendall(rest)
    status, made = _response(in_flight)
    in_flight.close()
    assert status == 201, made
    status, read = _get(server, '%s/%s' % (PATH, made['backup_id']))
    assert status == 200
    assert read['backup_metadata']['backup_name'] == 'in-flight'
    assert server.proc.poll() is None  # still in the window

    # The process ends by itself after the window, with 0.
    assert _exit_code(server.proc, 20) == 0
    took = time.monotonic() - signalled
    assert 4 - 0.5 <= took < 4 + 5, took
    with pytest.raises(OSError):
        socket.create_connection(('127.0.0.1', server.port), timeout=2)


def test_a_request_still_in_flight_when_the_window_ends_completes(
        start):  # noqa: F811
    server = start(graceful_shutdown_timeout=1)
    in_flight, rest = _half_sent_post(server, 'late')
    time.sleep(0.3)
    os.kill(server.proc.pid, signal.SIGTERM)
    time.sleep(2)  # past the window: no new connection is accepted now
    in_flight.sendall(rest)
    status, made = _response(in_flight)
    in_flight.close()
    assert status == 201, made
    assert _exit_code(server.proc, 20) == 0


def test_a_second_sigterm_ends_the_window(start):  # noqa: F811
    server = start(graceful_shutdown_timeout=60)
    os.kill(server.proc.pid, signal.SIGTERM)
    assert _get(server, '/health/ready')[0] == 503
    signalled = time.monotonic()
    os.kill(server.proc.pid, signal.SIGTERM)
    assert _exit_code(server.proc, 20) == 0
    assert time.monotonic() - signalled < 10
