"""Pure rules of clusters: the name filter, typed query filters, up/down."""

import pytest

from freezer_api import exception
from freezer_api.objects import cluster
from freezer_api.objects import service
from freezer_api.schemas import cluster as schemas


@pytest.mark.parametrize('name, wanted, expected', [
    ('c1', 'c1', True),
    ('c1@lvm', 'c1', True),
    ('c1#pool', 'c1', True),
    ('c1@lvm#pool', 'c1@lvm', True),
    ('c1@lvm', 'c1@ceph', False),
    ('c10', 'c1', False),
    ('c1', 'c1@lvm', False),
    ('anything', '', True),
])
def test_name_filter_matches_host_and_backend_prefixes(name, wanted,
                                                       expected):
    assert cluster.name_matches(name, wanted) is expected


ALL = schemas.FILTERS


@pytest.mark.parametrize('params, typed', [
    ({'is_up': 'TRUE', 'disabled': 'f'}, {'is_up': True, 'disabled': False}),
    ({'is_up': 'y', 'frozen': 'Off'}, {'is_up': True, 'frozen': False}),
    ({'num_hosts': '0', 'num_down_hosts': '12'},
     {'num_hosts': 0, 'num_down_hosts': 12}),
    ({'name': 'c1@lvm', 'binary': 'freezer-api'},
     {'name': 'c1@lvm', 'binary': 'freezer-api'}),
    ({'name': ''}, {}),
])
def test_query_filters_are_typed(params, typed):
    assert schemas.parse_query(params, ALL) == typed


@pytest.mark.parametrize('params', [
    {'is_up': 'maybe'}, {'disabled': '2'}, {'num_hosts': '-1'},
    {'num_hosts': '1.0'}, {'num_down_hosts': 'two'}, {'limit': '1'},
    {'is_up': ['true', 'false']}, {'binary': 'b' * 256},
    {'num_hosts': '\u0663'},
])
def test_bad_query_filters_are_refused(params):
    with pytest.raises(exception.BadRequest):
        schemas.parse_query(params, ALL)


class _Conf:
    service_down_time = 60


def test_a_service_is_up_until_service_down_time_has_passed():
    services = service.Services(store=None, conf=_Conf(), clock=lambda: 1000)
    assert services.is_up({'heartbeat': 940})
    assert not services.is_up({'heartbeat': 939.9})
    assert not services.is_up({})


def test_doc_ids_have_a_fixed_length():
    short = service.doc_id('freezer-scheduler', 'c')
    long_ = service.doc_id('freezer-scheduler', 'c' * 1000)
    assert len(short) == len(long_) < 64
    assert short != service.doc_id('freezer-api', 'c')
