"""Each search flavour of the test run is the server it claims to be: the
suites that pass on ``elasticsearch9`` really ran on Elasticsearch 9.

NOTE: the integ-test zips have no ``GET /`` (its rest-root module is not
shipped), so the version comes from the node info API.
"""

import pytest

from tests.fixtures import search

MAJORS = {'elasticsearch': '8', 'elasticsearch9': '9', 'opensearch': '2'}


@pytest.fixture(params=search.FLAVOURS)
def running(request):
    return request.getfixturevalue(request.param + '_server')


def test_every_flavour_has_a_major_version():
    assert set(MAJORS) == set(search.FLAVOURS)


def test_server_runs_the_flavours_major_version(running):
    status, body = search.http('GET', running.url + '/_nodes/_local/jvm')
    assert status == 200, body
    (node,) = body['nodes'].values()
    assert node['version'] == running.version
    assert node['version'].split('.')[0] == MAJORS[running.name]
    if running.name == 'elasticsearch9':
        java = int(node['jvm']['version'].split('.')[0].split('-')[0])
        assert java >= search.ES9_MIN_JAVA, node['jvm']
