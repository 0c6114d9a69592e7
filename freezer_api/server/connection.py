"""A client connection: its socket, its read buffer and its lingering close."""

import socket
import time


class LineTooLong(Exception):
    """A line did not end within the allowed number of bytes."""


class Connection:
    """One accepted socket with the bytes read from it but not yet parsed.

    The buffer is ours (not a ``makefile()``) so that the server can tell
    whether a pipelined request is already waiting before it gives an idle
    connection back to the event loop.
    """

    def __init__(self, sock, peer):
        self.sock = sock
        self.peer = peer
        self.buffer = bytearray()
        self.eof = False
        #: When the event loop closes this connection (monotonic seconds).
        self.deadline = None
        #: True once the server wrote its last response and only drains.
        self.closing = False
        #: While a request is read: when it must be complete (monotonic).
        self.read_by = None

    def fill(self):
        """Read once from the socket; return False at end of stream.

        Raises ``TimeoutError`` past ``read_by``: a client that trickles
        a byte now and then cannot hold a worker thread for ever.
        """
        if self.read_by is not None:
            left = self.read_by - time.monotonic()
            if left <= 0:
                raise TimeoutError('request not complete in time')
            self.sock.settimeout(left)
        data = self.sock.recv(65536)
        if not data:
            self.eof = True
            return False
        self.buffer += data
        return True

    def readline(self, limit):
        """Return the next line with its ``\\n``, at most ``limit`` bytes.

        At end of stream the rest is returned without ``\\n`` (``b''``
        when nothing is left). Raises ``LineTooLong`` past ``limit``.
        """
        start = 0
        while True:
            end = self.buffer.find(b'\n', start)
            if end >= 0:
                if end + 1 > limit:
                    raise LineTooLong()
                return self.take(end + 1)
            if len(self.buffer) >= limit:
                raise LineTooLong()
            start = len(self.buffer)
            if self.eof or not self.fill():
                return self.take(len(self.buffer))

    def read_exactly(self, size):
        """Return ``size`` bytes, fewer only at end of stream."""
        while len(self.buffer) < size and not self.eof:
            self.fill()
        return self.take(size)

    def take(self, size):
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def send(self, data):
        self.sock.sendall(data)

    def finish_writing(self):
        """Half-close: the client reads our last response, then EOF.

        Closing at once while unread request bytes sit in our receive
        buffer would make the kernel reset the connection, and a reset can
        destroy the response before the client has read it.
        """
        self.closing = True
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def drain(self):
        """Discard what the client still sends; return False at its EOF."""
        try:
            for _ in range(16):
                if not self.sock.recv(65536):
                    return False
            return True
        except (BlockingIOError, InterruptedError):
            return True
        except OSError:
            return False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
