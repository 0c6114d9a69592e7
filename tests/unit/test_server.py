"""The built-in server's pieces: backlog, request parsing, WSGI framing.

Each test feeds bytes through a real socket pair, so the parser reads them
exactly as it reads a client.
"""

import socket

import pytest

from freezer_api.server import connection
from freezer_api.server import listener
from freezer_api.server import request
from freezer_api.server import response


@pytest.fixture
def pair():
    ours, theirs = socket.socketpair()
    ours.settimeout(5)
    yield connection.Connection(ours, ('127.0.0.1', 4242)), theirs
    ours.close()
    theirs.close()


def parse(pair, raw, max_line=1024, max_body=100):
    conn, client = pair
    client.sendall(raw)
    client.shutdown(socket.SHUT_WR)
    return request.read(conn, max_line, max_body)


@pytest.mark.parametrize('wanted,ceiling,expected', [
    (4096, 4096, 4096),
    (4096, 128, 128),
    (50, 4096, 50),
    (4096, None, 4096),
    (4096, 0, 4096),
])
def test_backlog_is_capped_by_the_kernel(wanted, ceiling, expected):
    assert listener.backlog(wanted, ceiling) == expected


def test_kernel_ceiling_reads_somaxconn_or_gives_none(tmp_path):
    path = tmp_path / 'somaxconn'
    path.write_text('1024\n')
    assert listener.kernel_ceiling(path) == 1024
    path.write_text('junk')
    assert listener.kernel_ceiling(path) is None
    assert listener.kernel_ceiling(tmp_path / 'missing') is None


def test_request_head_and_body(pair):
    req = parse(pair, b'\r\nPOST /v2/p/backups?a=1 HTTP/1.1\r\n'
                      b'Host: h\r\nContent-Length: 2\r\nX-A:  b \r\n\r\n{}')
    assert (req.method, req.target, req.version) == (
        'POST', '/v2/p/backups?a=1', (1, 1))
    assert req.values('x-a') == ['b']
    assert req.body == b'{}' and req.keep_alive


def test_absolute_target_keeps_path_and_query(pair):
    req = parse(pair, b'GET http://h:9090/v2/x?y=1 HTTP/1.1\r\nHost: h\r\n'
                      b'\r\n')
    assert req.target == '/v2/x?y=1'


def test_http_1_0_closes_unless_asked_to_keep_alive(pair):
    assert not parse(pair, b'GET / HTTP/1.0\r\n\r\n').keep_alive


def test_http_1_1_close(pair):
    assert not parse(pair, b'GET / HTTP/1.1\r\nHost: h\r\n'
                           b'Connection: Close\r\n\r\n').keep_alive


def test_chunked_body_is_joined(pair):
    req = parse(pair, b'PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: '
                      b'chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\n\r\n')
    assert req.body == b'abcde'


def test_body_over_the_limit_is_left_to_the_app(pair):
    req = parse(pair, b'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: '
                      b'1000\r\n\r\n')
    assert req.body_unread and not req.keep_alive and req.body == b''


@pytest.mark.parametrize('raw,status', [
    (b'GET /%s HTTP/1.1\r\n\r\n' % (b'x' * 2000), 414),
    (b'GET / HTTP/1.1\r\nHost: h\r\nX: %s\r\n\r\n' % (b'x' * 2000), 431),
    (b'GET / HTTP/1.1\r\nHost: h\r\n' + b'X: y\r\n' * 101 + b'\r\n', 431),
    (b'PATCH / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n'
     b'65\r\n' + b'x' * 101 + b'\r\n0\r\n\r\n', 413),
    (b'GET / HTTP/3\r\n\r\n', 400),
    (b'GET / HTTP/3.0\r\n\r\n', 505),
    (b'PROPFIND / HTTP/1.1\r\nHost: h\r\n\r\n', 501),
    (b'\r\n' * 5 + b'GET / HTTP/1.1\r\n\r\n', 400),
])
def test_refused_requests(pair, raw, status):
    with pytest.raises(request.Refused) as caught:
        parse(pair, raw)
    assert caught.value.status == status


@pytest.mark.parametrize('raw', [b'\x16\x03\x01\x00', b'\x00\x00\n',
                                 b'GET /\x01 HTTP/1.1\r\n'])
def test_binary_noise_is_not_http(pair, raw):
    with pytest.raises(request.NotHttp):
        parse(pair, raw)


def test_a_client_closing_between_requests_is_gone(pair):
    with pytest.raises(request.Gone):
        parse(pair, b'')


@pytest.mark.parametrize('raw', [b'GET / HT', b'GET / HTTP/1.1\r\nHo',
                                 b'\r\n',
                                 b'POST / HTTP/1.1\r\nHost: h\r\n'
                                 b'Content-Length: 5\r\n\r\nab'])
def test_a_request_cut_short_is_refused(pair, raw):
    with pytest.raises(request.Refused) as caught:
        parse(pair, raw)
    assert caught.value.status == 400


def test_environ_drops_underscore_headers_and_joins_repeats(pair):
    req = parse(pair, b'POST /a%2Fb?q=1 HTTP/1.1\r\nHost: h\r\n'
                      b'X-User_Id: forged\r\nX-Roles: a\r\nX-Roles: b\r\n'
                      b'Content-Type: application/json\r\n'
                      b'Content-Length: 2\r\n\r\n{}')
    env = response.environ(req, pair[0], '127.0.0.1', 9090)
    assert 'HTTP_X_USER_ID' not in env
    assert env['HTTP_X_ROLES'] == 'a,b'
    assert env['PATH_INFO'] == '/a/b' and env['QUERY_STRING'] == 'q=1'
    assert env['CONTENT_TYPE'] == 'application/json'
    assert env['CONTENT_LENGTH'] == '2' and env['wsgi.input'].read() == b'{}'


def _answer(pair, raw, app):
    conn, client = pair
    req = parse(pair, raw)
    writer = response.Writer(conn, req, req.keep_alive)
    writer.run(app, response.environ(req, conn, 'h', 1))
    conn.sock.shutdown(socket.SHUT_WR)
    data = b''
    while True:
        chunk = client.recv(65536)
        if not chunk:
            return writer, data
        data += chunk


def test_a_body_of_unknown_length_is_chunked_on_http_1_1(pair):
    def app(env, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain'),
                                  ('Connection', 'upgrade')])
        return iter([b'ab', b'', b'cde'])
    writer, data = _answer(pair, b'GET / HTTP/1.1\r\nHost: h\r\n\r\n', app)
    head, _, body = data.partition(b'\r\n\r\n')
    assert b'Transfer-Encoding: chunked' in head
    assert b'upgrade' not in head
    assert body == b'2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n'
    assert writer.keep_alive


def test_a_body_of_unknown_length_closes_on_http_1_0(pair):
    def app(env, start_response):
        start_response('200 OK', [])
        return iter([b'abc'])
    writer, data = _answer(pair, b'GET / HTTP/1.0\r\nConnection: '
                                 b'keep-alive\r\n\r\n', app)
    assert data.endswith(b'Connection: close\r\n\r\nabc')
    assert not writer.keep_alive


def test_an_app_that_breaks_gets_a_json_500(pair):
    def app(env, start_response):
        raise RuntimeError('boom')
    writer, data = _answer(pair, b'GET / HTTP/1.1\r\nHost: h\r\n\r\n', app)
    assert data.startswith(b'HTTP/1.1 500 ')
    assert b'"code":"freezer.internal"' in data and b'boom' not in data
    assert not writer.keep_alive
