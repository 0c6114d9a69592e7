"""The api-ref page of the operations endpoints (api-ref/source/operations)
against the live API, on every store: each documented path answers its
documented success code with the shape of its sample (the probes and
/status exactly; /metrics.json and /openapi.json, whose samples show one
family and one path of many, as a part of the live answer), the /metrics
sample's series exist live, and the draining sample is what /health/ready
answers after the server drained the process."""

import json

from falcon import testing
import pytest

from freezer_api import app
from freezer_api import lifecycle
from tests.api import test_api_ref_samples as ref

PAGE = ref.API_REF / 'operations' / 'operations.inc'
SECTIONS = ref.parse('operations', PAGE)
ADMIN = dict(ref.HEADERS, **{'X-Roles': 'admin'})

#: path -> (sample, how it is compared with the live body)
SAMPLES = {
    '/health/live': ('health-live-response.json', 'exact'),
    '/health/ready': ('health-ready-response.json', 'exact'),
    '/status': ('status-response.json', 'exact'),
    '/metrics.json': ('metrics-json-response.json', 'part'),
    '/openapi.json': ('openapi-response.json', 'part'),
    '/metrics': ('metrics-response.txt', 'series'),
}


def _sample(name):
    return (ref.API_REF / 'operations' / 'samples' / name).read_text()


def part_errors(sample, live, where='$'):
    """How ``sample`` is not a part of ``live``: every key of the sample
    is there with the same JSON type, at every level; list items look
    like the sample's first.
    """
    if ref._kind(sample) != ref._kind(live):
        return ['%s: %s in the sample, %s live'
                % (where, ref._kind(sample), ref._kind(live))]
    errors = []
    if isinstance(sample, dict):
        missing = sorted(set(sample) - set(live))
        if missing:
            errors.append('%s: only in the sample %s' % (where, missing))
        for key in set(sample) & set(live):
            errors += part_errors(sample[key], live[key],
                                  '%s.%s' % (where, key))
    elif isinstance(sample, list) and sample:
        if not live:
            errors.append('%s: the sample has items, live none' % where)
        for index, item in enumerate(live):
            errors += part_errors(sample[0], item, '%s[%d]' % (where, index))
    return errors


def _series(text):
    return {line.split('{')[0].split(' ')[0]
            for line in text.splitlines() if line and line[0] != '#'}


def test_every_section_is_checked():
    assert {(s.method, s.path) for s in SECTIONS} == {
        ('GET', path) for path in SAMPLES}
    for section in SECTIONS:
        assert section.status == 200, section.id
        assert SAMPLES[section.path][0] in PAGE.read_text()


@pytest.mark.parametrize('section', SECTIONS, ids=lambda s: s.path)
def test_operations_sample_matches_the_live_api(api, section):
    # NOTE: an API request first, for /status's last_active.
    assert api.simulate_get('/v2/%s/jobs' % ref.PROJECT,
                            headers=ADMIN).status_code == 200
    resp = api.simulate_get(section.path, headers=ADMIN)
    assert resp.status_code == section.status, resp.text
    name, how = SAMPLES[section.path]
    if how == 'series':
        assert resp.headers['content-type'].startswith('text/plain')
        missing = _series(_sample(name)) - _series(resp.text)
        assert not missing
        return
    sample = json.loads(_sample(name))
    if how == 'exact':
        errors = ref.shape_errors(sample, resp.json)
    else:
        errors = part_errors(sample, resp.json)
    assert not errors, '\n'.join(errors)


def test_draining_sample_is_what_ready_answers(conf, store):
    process = lifecycle.Lifecycle()
    client = testing.TestClient(app.create_app(conf, store,
                                               lifecycle=process))
    assert client.simulate_get('/health/ready').status_code == 200
    process.drain()
    resp = client.simulate_get('/health/ready')
    assert resp.status_code == 503
    assert resp.json == json.loads(
        _sample('health-ready-draining-response.json'))
    status = client.simulate_get('/status', headers=ADMIN)
    assert status.json['state'] == 'draining'
