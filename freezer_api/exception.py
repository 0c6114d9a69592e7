"""Domain exceptions: what went wrong, in terms that know nothing of HTTP.

``api/errors.py`` maps each class to a status code and a stable dotted code.
"""


class FreezerError(Exception):
    """Base of every error this service raises on purpose."""

    code = 'freezer.error'

    def __init__(self, message=None, code=None, **details):
        super().__init__(message or self.__class__.__doc__.strip())
        self.message = str(self)
        if code:
            self.code = code
        self.details = details


class BadRequest(FreezerError):
    """The request is malformed."""

    code = 'freezer.request.invalid'


class InvalidDocument(BadRequest):
    """The document does not match its schema."""

    code = 'freezer.document.invalid'


class InvalidMarker(BadRequest):
    """The ``marker`` of a list names no document of that list."""

    code = 'freezer.request.invalid_marker'

    def __init__(self, message=None, code=None, marker='', **details):
        # NOTE: one answer whether the id never existed, was deleted or is
        # another owner's: the message must not tell them apart.
        if message is None:
            message = ('Invalid marker %r: no single document of this list '
                       'has that id' % marker[:255])
        super().__init__(message, code, marker=marker, **details)
        self.marker = marker


class Forbidden(FreezerError):
    """You are not allowed to access this resource."""

    code = 'freezer.forbidden'


class _OfDocument(FreezerError):
    """An error about one document: ``kind`` and ``doc_id`` (keywords, in
    ``details``) name it and make the default message and code.
    """

    template = None
    suffix = None

    def __init__(self, message=None, code=None, kind=None, doc_id=None,
                 **details):
        noun = (kind or 'document').rstrip('s')
        if message is None:
            message = self.template % (noun.capitalize(), doc_id or '')
            message = message.replace('  ', ' ').strip()
        if code is None:
            code = 'freezer.%s.%s' % (noun, self.suffix)
        super().__init__(message, code, kind=kind, doc_id=doc_id, **details)
        self.kind = kind
        self.doc_id = doc_id


class NotFound(_OfDocument):
    """The document does not exist."""

    code = 'freezer.document.not_found'
    template = '%s %s not found'
    suffix = 'not_found'


class AlreadyExists(_OfDocument):
    """A document with this id already exists."""

    code = 'freezer.document.exists'
    template = '%s %s already exists'
    suffix = 'exists'


class Conflict(FreezerError):
    """The request conflicts with the current state of the document."""

    code = 'freezer.conflict'


class VersionConflict(Conflict):
    """The document changed since it was read (compare-and-set failed)."""

    code = 'freezer.version_conflict'


class TooManyWriters(_OfDocument, Conflict):
    """A compare-and-set kept losing to concurrent writers and gave up."""

    template = '%s %s is being changed by too many requests; try again'
    suffix = 'busy'

    def __init__(self, message=None, code='freezer.conflict', **details):
        # NOTE: the code stays the plain conflict's, as clients saw it.
        super().__init__(message, code, **details)


class Unprocessable(FreezerError):
    """The request is well formed but cannot be processed."""

    code = 'freezer.unprocessable'


class StoreUnavailable(FreezerError):
    """The document store cannot be reached right now."""

    code = 'freezer.store.unavailable'


class IdentityUnavailable(FreezerError):
    """Keystone cannot be reached right now."""

    code = 'freezer.identity.unavailable'


class StoreError(FreezerError):
    """The document store failed."""

    code = 'freezer.store.error'


class ConfigError(FreezerError):
    """The configuration is invalid."""

    code = 'freezer.config.invalid'
