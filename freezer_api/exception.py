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

    def __init__(self, marker):
        # NOTE: one answer whether the id never existed, was deleted or is
        # another owner's: the message must not tell them apart.
        super().__init__('Invalid marker %r: no single document of this '
                         'list has that id' % marker[:255])
        self.marker = marker


class Forbidden(FreezerError):
    """You are not allowed to access this resource."""

    code = 'freezer.forbidden'


class NotFound(FreezerError):
    """The document does not exist."""

    code = 'freezer.not_found'

    def __init__(self, kind=None, doc_id=None, message=None):
        noun = (kind or 'document').rstrip('s')
        if message is None:
            message = '%s %s not found' % (noun.capitalize(), doc_id or '')
        super().__init__(message.replace('  ', ' ').strip(),
                         code='freezer.%s.not_found' % noun)
        self.kind = kind
        self.doc_id = doc_id


class AlreadyExists(FreezerError):
    """A document with this id already exists."""

    code = 'freezer.conflict'

    def __init__(self, kind=None, doc_id=None, message=None):
        noun = (kind or 'document').rstrip('s')
        if message is None:
            message = '%s %s already exists' % (noun.capitalize(), doc_id)
        super().__init__(message, code='freezer.%s.exists' % noun)
        self.kind = kind
        self.doc_id = doc_id


class Conflict(FreezerError):
    """The request conflicts with the current state of the document."""

    code = 'freezer.conflict'


class VersionConflict(Conflict):
    """The document changed since it was read (compare-and-set failed)."""

    code = 'freezer.version_conflict'


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
