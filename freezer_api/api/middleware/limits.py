"""Refuse oversized bodies and clients that do not accept JSON."""

import falcon


class Limits:
    """Body size from ``[oslo_middleware] max_request_body_size``."""

    def __init__(self, conf, exempt_accept_paths=()):
        self.max_body = conf.oslo_middleware.max_request_body_size
        self._exempt = frozenset(exempt_accept_paths)

    def process_request(self, req, resp):
        length = req.content_length
        if length is not None and length > self.max_body:
            raise falcon.HTTPContentTooLarge(
                title='Request entity too large',
                description='The request body is %d bytes; the limit is %d.'
                % (length, self.max_body))
        if req.path not in self._exempt and not req.client_accepts_json:
            raise falcon.HTTPNotAcceptable(
                description='This API only serves application/json.')
