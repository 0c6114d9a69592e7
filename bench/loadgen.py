"""A small closed-loop load generator: N threads, one keep-alive HTTP/1.1
connection each, bounded by time and by count.

The client is a few lines over a raw socket (requests are pre-encoded bytes,
responses are read by Content-Length) so that the load generator itself
costs as little CPU as possible: on a 2-core box it shares the cores with
the server it measures.
"""

import collections
import dataclasses
import json
import socket
import threading
import time


class HttpError(Exception):
    """The server broke the HTTP exchange (not an HTTP error status)."""


class Connection:
    """One keep-alive HTTP/1.1 connection to ``host:port``.

    It reconnects when the server closes the connection (``Connection:
    close`` or a reset between requests).
    """

    def __init__(self, host, port, headers, timeout=30):
        self.addr = (host, port)
        self.timeout = timeout
        self.base = ''.join('%s: %s\r\n' % kv for kv in headers.items())
        self.base += 'Host: %s:%d\r\n' % self.addr
        self.sock = None
        self.buf = b''
        self.connects = 0

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        self.buf = b''

    def _connect(self):
        self.close()
        self.sock = socket.create_connection(self.addr, self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.connects += 1

    def request(self, method, path, body=None, headers=None):
        """Send one request; return ``(status, body_bytes)``."""
        payload = b''
        if body is not None:
            payload = body if isinstance(body, bytes) else json.dumps(
                body).encode()
        head = '%s %s HTTP/1.1\r\n%s' % (method, path, self.base)
        if headers:
            head += ''.join('%s: %s\r\n' % kv for kv in headers.items())
        if payload or method in ('POST', 'PUT', 'PATCH'):
            head += ('Content-Type: application/json\r\n'
                     'Content-Length: %d\r\n' % len(payload))
        data = head.encode() + b'\r\n' + payload
        for attempt in (0, 1):
            fresh = self.sock is None
            if fresh:
                self._connect()
            try:
                self.sock.sendall(data)
                return self._read()
            except (ConnectionError, HttpError):
                self.close()
                # NOTE: a kept-alive connection the server closed while idle
                # fails on first use; retry once on a fresh one.
                if fresh or attempt:
                    raise
        raise HttpError('unreachable')

    def _recv(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise HttpError('connection closed by the server')
        self.buf += chunk

    def _read(self):
        while b'\r\n\r\n' not in self.buf:
            self._recv()
        head, _, rest = self.buf.partition(b'\r\n\r\n')
        lines = head.decode('latin-1').split('\r\n')
        status = int(lines[0].split(' ', 2)[1])
        length, close = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(':')
            name = name.strip().lower()
            if name == 'content-length':
                length = int(value)
            elif name == 'connection' and value.strip().lower() == 'close':
                close = True
            elif name == 'transfer-encoding':
                raise HttpError('chunked responses are not supported')
        self.buf = rest
        while len(self.buf) < length:
            self._recv()
        body, self.buf = self.buf[:length], self.buf[length:]
        if close:
            self.close()
        return status, body


@dataclasses.dataclass
class Result:
    """What one scenario measured."""

    name: str
    steps: int = 0
    seconds: float = 0.0
    latencies: list = dataclasses.field(default_factory=list)
    errors: int = 0
    error_kinds: collections.Counter = dataclasses.field(
        default_factory=collections.Counter)
    note: str = ''
    #: CPU time per step (ms) of the server's processes and of the load
    #: generator, counted over the whole run (warm-up included).
    total_steps: int = 0   # warm-up included
    server_cpu_ms: float = float('nan')
    client_cpu_ms: float = float('nan')

    @property
    def rate(self):
        return self.steps / self.seconds if self.seconds else 0.0

    def percentile(self, pct):
        if not self.latencies:
            return float('nan')
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, int(round(pct / 100.0 * len(ordered)
                                                + 0.5)) - 1)
        return ordered[max(index, 0)] * 1000.0

    def summary(self):
        return {'name': self.name, 'rate': round(self.rate, 1),
                'p50_ms': round(self.percentile(50), 2),
                'p99_ms': round(self.percentile(99), 2),
                'steps': self.steps, 'errors': self.errors,
                'error_kinds': dict(self.error_kinds), 'note': self.note,
                'server_cpu_ms': round(self.server_cpu_ms, 3),
                'client_cpu_ms': round(self.client_cpu_ms, 3)}


class StepFailed(Exception):
    """A step got an unexpected answer; ``kind`` names it for the report."""

    def __init__(self, kind):
        super().__init__(kind)
        self.kind = kind


def expect(answer, *statuses):
    """Return the JSON body of ``answer`` when its status is expected."""
    status, body = answer
    if status not in statuses:
        raise StepFailed('HTTP %d' % status)
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        raise StepFailed('bad JSON')


def run(name, make_state, step, clients=16, duration=8.0, warmup=1.0,
        max_steps=200000):
    """Run ``step(state)`` in a closed loop on ``clients`` threads.

    ``make_state(index)`` builds each thread's state (its connection, its
    ids) before the clock starts. Steps finished during ``warmup`` are not
    counted; the run stops after ``duration`` more seconds or ``max_steps``
    counted steps, whichever comes first. A step that raises counts as an
    error (and its latency is not recorded).
    """
    states = [make_state(i) for i in range(clients)]
    result = Result(name)
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)
    bounds = {}

    def worker(state):
        lat, errors, done = [], collections.Counter(), 0
        start_gate.wait()
        measure_from, stop_at = bounds['from'], bounds['to']
        while True:
            t0 = time.perf_counter()
            if t0 >= stop_at:
                break
            try:
                step(state)
                ok = True
            except StepFailed as exc:
                ok, kind = False, exc.kind
            except (OSError, HttpError) as exc:
                ok, kind = False, type(exc).__name__
            t1 = time.perf_counter()
            done += 1
            if t0 < measure_from:
                continue
            if ok:
                lat.append(t1 - t0)
            else:
                errors[kind] += 1
            if len(lat) + sum(errors.values()) >= max_steps // clients:
                break
        with lock:
            result.latencies.extend(lat)
            result.errors += sum(errors.values())
            result.error_kinds.update(errors)
            result.total_steps += done

    threads = [threading.Thread(target=worker, args=(s,), daemon=True)
               for s in states]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    bounds['from'] = now + warmup
    bounds['to'] = now + warmup + duration
    start_gate.wait()
    for thread in threads:
        thread.join(duration + warmup + 120)
    end = min(time.perf_counter(), bounds['to'])
    result.seconds = max(end - bounds['from'], 1e-9)
    result.steps = len(result.latencies)
    for state in states:
        close = getattr(state, 'close', None)
        if close:
            close()
    return result
