"""freezer-tempest-plugin's API suite, the tests OpenStack gates
freezer-api with, run by tempest against our freezer-api behind the real
Keystone (``auth_strategy = keystone``), on the SQL store and, where the
run has the search servers, on Elasticsearch 8.

Every one of the plugin's 34 API tests must pass: none may fail or be
skipped. A failure shows tempest's own output (the failing tests'
tracebacks).
"""

import pytest

from tests.fixtures import stores
from tests.fixtures import tempest

pytestmark = pytest.mark.integration

#: freezer_tempest_plugin.tests.freezer_api in freezer-tempest-plugin 3.5.0.
EXPECTED = {'passed': 34, 'failed': 0, 'skipped': 0}

#: Store -> (fixture of the freezer-api process, its catalog type).
PROCESSES = {
    'sql': ('keystone_api', 'backup'),
    'elasticsearch': ('freezer_elasticsearch_api', tempest.ES_SERVICE_TYPE),
}
# NOTE: the SQL process is the one every Keystone test uses, whatever
# FREEZER_TEST_STORES says; Elasticsearch runs where the run has it.
STORES = ['sql'] + [name for name in PROCESSES
                    if name != 'sql' and name in stores.selected_backends()]


@pytest.mark.timeout(2400)
@pytest.mark.parametrize('store', STORES)
def test_freezer_tempest_plugin_api_suite_passes(request, keystone,
                                                 tempest_venv, tmp_path,
                                                 store):
    fixture, catalog_type = PROCESSES[store]
    request.getfixturevalue(fixture)
    result = tempest.run_suite(tempest_venv, tmp_path, keystone,
                               catalog_type=catalog_type)
    assert result.counts() == EXPECTED, result.report()
    assert all(name.startswith('freezer_tempest_plugin.tests.freezer_api.')
               for name in result.statuses), sorted(result.statuses)
    assert result.returncode == 0, result.report()
