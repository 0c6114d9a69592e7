"""The event loop and the bounded worker pool of the built-in server.

One thread (the caller of ``serve_forever``) accepts connections and
watches the idle ones with a selector; a connection with bytes to read goes
to a queue served by a fixed number of worker threads. An idle keep-alive
connection therefore holds no thread, only a file descriptor, until its
``keepalive_timeout``. When the queue is full the loop answers 503 with
``Retry-After`` itself.
"""

import errno
import logging
import queue
import selectors
import socket
import threading
import time

from freezer_api.server import connection
from freezer_api.server import handler
from freezer_api.server import listener
from freezer_api.server import response

LOG = logging.getLogger('freezer_api.server')

#: Seconds a closed-for-writing connection is drained before it is closed.
LINGER = 2.0
#: Seconds accept() rests after running out of file descriptors.
ACCEPT_PAUSE = 0.5
#: Seconds ``serve_forever`` waits for the workers at shutdown.
SHUTDOWN_GRACE = 10.0

_LISTEN = object()
_WAKE = object()
_OUT_OF_RESOURCES = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)


class Server:
    """Listens on ``settings.host:port`` and serves ``app`` (WSGI)."""

    def __init__(self, app, settings):
        self.settings = settings
        self.backlog = listener.backlog(settings.backlog,
                                        listener.kernel_ceiling())
        self.sock = listener.listen(settings.host, settings.port,
                                    self.backlog)
        self.port = self.sock.getsockname()[1]
        self._handler = handler.Handler(app, settings, self.port)
        self._ready = queue.Queue(maxsize=settings.queue_size)
        self._back = queue.SimpleQueue()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._selector = selectors.DefaultSelector()
        self._watched = {}
        self._stopping = threading.Event()
        self._stop_at = None
        self._accept_paused_until = None
        self._workers = [threading.Thread(target=self._work, daemon=True,
                                          name='freezer-api-worker-%d' % i)
                         for i in range(settings.threads)]

    # ---------------------------------------------------------- life cycle

    def serve_forever(self):
        """Serve until ``stop()``; then let in-flight requests finish."""
        for worker in self._workers:
            worker.start()
        self._selector.register(self.sock, selectors.EVENT_READ, _LISTEN)
        self._selector.register(self._wake_r, selectors.EVENT_READ, _WAKE)
        try:
            while not self._stopping.is_set():
                self._turn()
        finally:
            self._shut_down()

    def stop(self):
        """Ask ``serve_forever`` to return (safe from a signal handler)."""
        self._stopping.set()
        self._wake()

    def stop_after(self, seconds):
        """Keep serving ``seconds`` more, then stop (safe from a signal
        handler). The draining window: requests still arrive and are
        answered (a load balancer reads readiness), then ``serve_forever``
        stops accepting and lets the requests in flight finish. A second
        call does not extend the window; ``seconds <= 0`` stops now.
        """
        if seconds <= 0:
            self.stop()
            return
        if self._stop_at is None:
            self._stop_at = time.monotonic() + seconds
        self._wake()

    def _turn(self):
        for key, _ in self._selector.select(self._timeout()):
            if key.data is _LISTEN:
                self._accept()
            elif key.data is _WAKE:
                self._drain_wake()
            else:
                self._guarded(self._readable, key.data)
        self._take_back()
        self._expire()
        self._resume_accept()
        if (self._stop_at is not None
                and time.monotonic() >= self._stop_at):
            self._stopping.set()

    def _shut_down(self):
        self._selector.close()
        self.sock.close()
        for conn in list(self._watched.values()):
            conn.close()
        self._watched.clear()
        while True:
            try:
                conn = self._ready.get_nowait()
            except queue.Empty:
                break
            if conn is not None:
                conn.close()
        deadline = time.monotonic() + SHUTDOWN_GRACE
        for _ in self._workers:
            try:
                self._ready.put(None, timeout=max(
                    deadline - time.monotonic(), 0.01))
            except queue.Full:
                break
        for worker in self._workers:
            worker.join(max(deadline - time.monotonic(), 0))
        self._wake_r.close()
        self._wake_w.close()

    # ---------------------------------------------------------- event loop

    def _timeout(self):
        deadlines = [c.deadline for c in self._watched.values()]
        if self._stop_at is not None:
            deadlines.append(self._stop_at)
        if self._accept_paused_until is not None:
            deadlines.append(self._accept_paused_until)
        if not deadlines:
            return 1.0
        return min(max(min(deadlines) - time.monotonic(), 0.0), 1.0)

    def _accept(self):
        for _ in range(64):
            try:
                sock, peer = self.sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except ConnectionAbortedError:
                continue
            except OSError as exc:
                if exc.errno not in _OUT_OF_RESOURCES:
                    LOG.warning('accept() failed: %s', exc)
                    return
                LOG.warning('accept() failed (%s); pausing for %g s',
                            exc, ACCEPT_PAUSE)
                self._selector.unregister(self.sock)
                self._accept_paused_until = time.monotonic() + ACCEPT_PAUSE
                return
            self._guarded(self._watch_new, connection.Connection(sock, peer))

    def _watch_new(self, conn):
        if conn.sock.family in (socket.AF_INET, socket.AF_INET6):
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._watch(conn, self.settings.socket_timeout)

    def _guarded(self, step, conn):
        """Run ``step(conn)``; a failure costs that connection only,
        never the loop.
        """
        try:
            step(conn)
        except Exception:
            LOG.exception('Event loop failed on a connection from %s; '
                          'closed', conn.peer[0])
            self._watched.pop(id(conn), None)
            try:
                self._selector.unregister(conn.sock)
            except (KeyError, ValueError, OSError):
                pass
            conn.close()

    def _readable(self, conn):
        if conn.closing:
            if not conn.drain():
                self._forget(conn)
                conn.close()
            return
        self._forget(conn)
        try:
            self._ready.put_nowait(conn)
        except queue.Full:
            self._reject(conn)

    def _reject(self, conn):
        """Every worker is busy and the queue is full: 503, close."""
        conn.sock.setblocking(False)
        if not conn.drain():
            conn.close()
            return
        LOG.warning('%s: %d requests already wait for %d worker threads; '
                    'answered 503', conn.peer[0], self.settings.queue_size,
                    self.settings.threads)
        try:
            conn.sock.send(response.error(
                503, 'The server is busy: %d requests wait for a worker '
                     'thread already. Retry in a few seconds.'
                     % self.settings.queue_size))
        except OSError:
            conn.close()
            return
        self._linger(conn)

    def _take_back(self):
        while True:
            try:
                conn, keep = self._back.get_nowait()
            except queue.Empty:
                break
            self._guarded(self._keep if keep else self._release, conn)

    def _keep(self, conn):
        conn.sock.setblocking(False)
        self._watch(conn, self.settings.keepalive_timeout)

    def _release(self, conn):
        if conn.eof:
            conn.close()
        else:
            self._linger(conn)

    def _resume_accept(self):
        if (self._accept_paused_until is not None
                and time.monotonic() >= self._accept_paused_until):
            self._accept_paused_until = None
            self._selector.register(self.sock, selectors.EVENT_READ, _LISTEN)

    def _expire(self):
        now = time.monotonic()
        for conn in [c for c in self._watched.values() if c.deadline <= now]:
            self._forget(conn)
            conn.close()

    def _linger(self, conn):
        conn.finish_writing()
        conn.sock.setblocking(False)
        self._watch(conn, LINGER)

    def _watch(self, conn, seconds):
        conn.deadline = time.monotonic() + seconds
        self._selector.register(conn.sock, selectors.EVENT_READ, conn)
        self._watched[id(conn)] = conn

    def _forget(self, conn):
        self._watched.pop(id(conn), None)
        self._selector.unregister(conn.sock)

    def _wake(self):
        try:
            self._wake_w.send(b'\0')
        except OSError:
            pass

    def _drain_wake(self):
        try:
            while self._wake_r.recv(4096):
                pass
        except OSError:
            pass

    # ------------------------------------------------------------- workers

    def _work(self):
        while True:
            conn = self._ready.get()
            if conn is None:
                return
            try:
                keep = self._handler.serve(conn)
            except Exception:
                LOG.exception('Serving %s failed', conn.peer[0])
                keep = False
            if self._stopping.is_set():
                conn.close()
                continue
            self._back.put((conn, keep))
            self._wake()
