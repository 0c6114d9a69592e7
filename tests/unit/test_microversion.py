"""Negotiating the v3 microversion from OpenStack-API-Version headers."""

import os

import falcon
import pytest

from freezer_api.api import microversion as mv

HISTORY = os.path.join(os.path.dirname(__file__), '..', '..', 'doc',
                       'source', 'contributor',
                       'rest_api_version_history.rst')


def negotiate(value=None):
    headers = {} if value is None else {'OpenStack-API-Version': value}
    return mv.negotiate(headers)


def test_no_header_runs_at_the_minimum():
    assert str(negotiate()) == '3.0'


def test_other_services_only_runs_at_the_minimum():
    assert str(negotiate('compute 2.1, volume 3.7')) == '3.0'


@pytest.mark.parametrize('value, expected', [
    ('backup 3.7', '3.7'),
    ('backup 3.0', '3.0'),
    ('compute 2.1, backup 3.5', '3.5'),
    ('backup 3.1, backup 3.4', '3.4'),
    ('backup latest', mv.MAX_VERSION),
    ('backup LATEST', mv.MAX_VERSION),
    ('Backup 3.2', '3.2'),
])
def test_single_versions(value, expected):
    assert str(negotiate(value)) == expected


@pytest.mark.parametrize('value, expected', [
    ('backup 3.2-3.9', '3.9'),
    ('backup 3.2-3.99', mv.MAX_VERSION),
    ('backup 3.2-3.4', '3.4'),
    ('backup 2.0-3.1', '3.1'),
    ('backup 3.3-3.3', '3.3'),
    ('backup 3.5-latest', mv.MAX_VERSION),
])
def test_a_range_runs_at_the_latest_shared_version(value, expected):
    assert str(negotiate(value)) == expected


@pytest.mark.parametrize('value', [
    'backup 3.07', 'backup 3', 'backup 3.7.1', 'backup 3.7 extra',
    'backup', 'backup x.y', 'backup 03.1', 'backup 3.9-3.2',
    'backup 3.2-', 'backup -3.2', 'backup 3.2-3.x',
])
def test_malformed_values(value):
    with pytest.raises(mv.Malformed):
        negotiate(value)


@pytest.mark.parametrize('value', [
    'backup 3.99', 'backup 2.0', 'backup 4.0', 'backup 4.0-4.5',
    'backup 2.0-2.9',
])
def test_unsupported_versions_and_disjoint_ranges(value):
    with pytest.raises(mv.Unsupported):
        negotiate(value)


def test_result_knows_its_bounds_and_matches():
    version = negotiate('backup 3.7')
    assert version.matches((3, 7))
    assert version.matches((3, 0))
    assert not version.matches((3, 8))
    assert str(version.min_version) == mv.MIN_VERSION
    assert str(version.max_version) == mv.MAX_VERSION


def test_versions_are_sequential_from_3_0():
    assert mv.VERSIONS[0] == '3.0'
    minors = [int(v.split('.')[1]) for v in mv.VERSIONS]
    assert all(v.startswith('3.') for v in mv.VERSIONS)
    assert minors == list(range(len(mv.VERSIONS)))


def test_every_version_has_a_comment_in_the_list():
    with open(mv.__file__) as source:
        text = source.read()
    for version in mv.VERSIONS:
        assert "    '%s',  # " % version in text


def test_every_version_is_documented_in_the_history():
    with open(HISTORY) as history:
        text = history.read()
    for version in mv.VERSIONS:
        heading = '\n%s\n%s\n' % (version, '-' * len(version))
        assert heading in text, 'no history paragraph for %s' % version


class _Request:
    def __init__(self, version=None):
        self.context = type('Context', (), {})()
        if version is not None:
            self.context.microversion = negotiate('backup %s' % version)


class _Resource:
    def on_get(self, req, resp):
        return 'get'

    @mv.since('3.3')
    def on_put(self, req, resp):
        return 'put'

    @mv.since('3.5', missing=404)
    def on_delete(self, req, resp):
        return 'delete'


def test_since_runs_the_responder_from_its_version():
    assert _Resource().on_put(_Request('3.3'), None) == 'put'
    assert _Resource().on_delete(_Request('3.8'), None) == 'delete'


def test_since_masks_below_with_405_and_the_allowed_methods():
    with pytest.raises(falcon.HTTPMethodNotAllowed) as caught:
        _Resource().on_put(_Request('3.2'), None)
    assert caught.value.headers['Allow'] == 'GET'
    assert mv.allowed_methods(_Resource(), _Request('3.4')) == ['GET', 'PUT']


def test_since_masks_with_404_when_asked():
    with pytest.raises(falcon.HTTPNotFound):
        _Resource().on_delete(_Request('3.4'), None)


def test_since_always_masks_outside_v3():
    with pytest.raises(falcon.HTTPMethodNotAllowed):
        _Resource().on_put(_Request(), None)
    assert not mv.wants(_Request(), '3.0')
    assert _Resource.on_put.__name__ == 'on_put'
