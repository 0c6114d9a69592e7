"""The server's settings and its listening socket.

The backlog is capped by somaxconn.
"""

import dataclasses
import logging
import socket

LOG = logging.getLogger(__name__)

SOMAXCONN = '/proc/sys/net/core/somaxconn'


@dataclasses.dataclass(frozen=True)
class Settings:
    """What the server needs from the configuration (see ``from_conf``)."""

    host: str = '127.0.0.1'
    port: int = 9090
    backlog: int = 4096
    threads: int = 16
    queue_size: int = 256
    keep_alive: bool = True
    keepalive_timeout: float = 30.0
    socket_timeout: float = 30.0
    max_header_line: int = 16384
    max_body: int = 114688

    @classmethod
    def from_conf(cls, conf):
        return cls(host=conf.bind_host, port=conf.bind_port,
                   backlog=conf.backlog, threads=conf.server_threads,
                   queue_size=conf.server_queue_size,
                   keep_alive=conf.wsgi_keep_alive,
                   keepalive_timeout=conf.keepalive_timeout,
                   socket_timeout=conf.client_socket_timeout,
                   max_header_line=conf.max_header_line,
                   max_body=conf.oslo_middleware.max_request_body_size)


def kernel_ceiling(path=SOMAXCONN):
    """The kernel's ``somaxconn``, or None where it cannot be read."""
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def backlog(wanted, ceiling):
    """The backlog to ask ``listen()`` for: ``wanted``, at most
    ``ceiling`` (a larger value would be cut silently by the kernel).
    """
    if ceiling is not None and 0 < ceiling < wanted:
        LOG.info('backlog %d is above the kernel limit '
                 'net.core.somaxconn = %d; listening with %d',
                 wanted, ceiling, ceiling)
        return ceiling
    return wanted


def listen(host, port, queue):
    """Return a non-blocking socket listening on ``host:port``."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0,
        socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(queue)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock
