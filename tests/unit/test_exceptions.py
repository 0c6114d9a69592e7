"""Domain exceptions share one signature: ``(message=None, code=None,
**details)``; errors about a document take ``kind``/``doc_id`` keywords."""

from freezer_api import exception


def test_a_message_alone_is_the_message_and_keeps_the_class_code():
    exc = exception.NotFound('Job j is not in session s')
    assert (exc.message, exc.code) == ('Job j is not in session s',
                                       'freezer.document.not_found')


def test_kind_and_id_make_the_message_and_the_dotted_code():
    exc = exception.NotFound(kind='jobs', doc_id='j1')
    assert (exc.message, exc.code) == ('Job j1 not found',
                                       'freezer.job.not_found')
    assert exc.details == {'kind': 'jobs', 'doc_id': 'j1'}
    exists = exception.AlreadyExists(kind='backups', doc_id='b')
    assert (exists.message, exists.code) == ('Backup b already exists',
                                             'freezer.backup.exists')


def test_a_given_code_wins():
    exc = exception.NotFound('gone', code='freezer.cluster.not_found',
                             kind='clusters', doc_id='c')
    assert (exc.message, exc.code) == ('gone', 'freezer.cluster.not_found')


def test_too_many_writers_is_the_plain_conflict_to_clients():
    exc = exception.TooManyWriters(kind='sessions', doc_id='s')
    assert isinstance(exc, exception.Conflict)
    assert exc.code == 'freezer.conflict'
    assert exc.message == ('Session s is being changed by too many '
                           'requests; try again')


def test_the_invalid_marker_message_does_not_echo_unbounded_input():
    exc = exception.InvalidMarker(marker='x' * 1000)
    assert exc.code == 'freezer.request.invalid_marker'
    assert len(exc.message) < 400
