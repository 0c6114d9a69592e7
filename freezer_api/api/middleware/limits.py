"""Refuse oversized bodies, odd path parameters and clients that do not
accept JSON."""

import re

import falcon

from freezer_api import exception

#: Ids in paths (documents, jobs of a session, clusters) are at most this
#: many characters, as the stores keep them.
MAX_ID_LENGTH = 255
#: Project ids in paths are at most this many (Keystone's limit).
MAX_PROJECT_ID_LENGTH = 64

#: Control characters and lone surrogates are in no id.
_NOT_IN_IDS = re.compile('[\x00-\x1f\x7f\ud800-\udfff]')


def check_path_param(name, value):
    """Raise ``BadRequest`` unless ``value`` may be the ``name`` part of a
    path (``project_id``, ``item_id``...).
    """
    limit = (MAX_PROJECT_ID_LENGTH if name == 'project_id'
             else MAX_ID_LENGTH)
    if len(value) > limit:
        raise exception.BadRequest(
            'The %s in the path is %d characters; the limit is %d'
            % (name, len(value), limit), code='freezer.request.invalid_id')
    if _NOT_IN_IDS.search(value):
        raise exception.BadRequest(
            'The %s in the path holds a control character' % name,
            code='freezer.request.invalid_id')


class Limits:
    """Body size from ``[oslo_middleware] max_request_body_size``; path
    parameters within ``MAX_ID_LENGTH`` (``MAX_PROJECT_ID_LENGTH``).
    """

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

    def process_resource(self, req, resp, resource, params):
        for name, value in params.items():
            check_path_param(name, value)
