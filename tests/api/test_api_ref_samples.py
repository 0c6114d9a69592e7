"""The api-ref samples are what the live API takes and answers.

Every ``.. rest_method::`` section of ``api-ref/source/<version>/*.inc`` is
one test: its request sample is sent (as the GET body for lists) to the
in-process API, on every store backend, after the documents the path names
were created from the create samples of the same pages; the status must be
the section's documented success code and the response must have the shape
of its response sample (same keys at every level, same JSON types, lists
with elements like the sample's).
"""

import json
from pathlib import Path
import re

import pytest
import yaml

API_REF = Path(__file__).resolve().parents[2] / 'api-ref' / 'source'
VERSIONS = ('v1', 'v2')
#: Directories of api-ref pages: the version documents, then each version.
PAGES = ('versions',) + VERSIONS

#: The caller every sample is written for (ids appear in the samples).
PROJECT = '9c4a9d5e64ea4a8c9e2fbb0c2f1c3b7d'
USER = '2a1f4e8b7c6d45a3b2c1d0e9f8a7b6c5'
HEADERS = {'X-User-Id': USER, 'X-Project-Id': PROJECT, 'X-User-Name': 'alice',
           'X-Roles': 'member,reader'}

#: The ids the samples use for documents the API names itself.
SAMPLE_IDS = {
    'backup_id': 'a7c2e0b4d9f34c6a8e1b5d7f9c3a2e10',
    'job_id': '4f8b3d9a6c1e4b2f9a7d5e3c1b0a8f6d',
    'action_id': 'c1d2e3f4a5b64c7d8e9fa0b1c2d3e4f5',
    'session_id': '0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b',
    'uuid': '5b6c7d8e9fa04b1c2d3e4f5a6b7c8d9e',
}

_METHOD = re.compile(r'^\.\. rest_method:: (\w+) (\S+)\s*$')
_STATUS = re.compile(r'^\.\. rest_status_code:: (success|error) ')
_CODE = re.compile(r'^\s+- (\d{3})\s*$')
_SAMPLE = re.compile(r'^\.\. literalinclude:: (samples/\S+\.json)\s*$')
_PARAMETERS = re.compile(r'^\.\. rest_parameters:: (\S+)\s*$')
_PARAMETER = re.compile(r'^\s+- [\w-]+: ([\w-]+)\s*$')


class Section:
    """One documented request: method, path, samples, success status."""

    def __init__(self, version, page, method, path):
        self.version, self.page = version, page
        self.method, self.path = method, path
        self.status = None
        self.request = self.response = None

    @property
    def id(self):
        name = self.request or self.response or 'no-body'
        return '%s %s %s (%s)' % (self.version, self.method, self.path,
                                  Path(name).stem)

    def load(self, sample):
        path = API_REF / self.version / sample
        return json.loads(path.read_text())


def parse(version, page):
    """Return the sections of one api-ref page."""
    sections, current, block = [], None, None
    for line in page.read_text().splitlines():
        method = _METHOD.match(line)
        if method:
            current = Section(version, page.name, *method.groups())
            sections.append(current)
            continue
        if current is None:
            continue
        status = _STATUS.match(line)
        if status:
            block = status.group(1)
        elif _CODE.match(line) and block == 'success':
            current.status = int(_CODE.match(line).group(1))
            block = None
        sample = _SAMPLE.match(line)
        if sample:
            kind = 'request' if sample.group(1).endswith('-request.json') \
                else 'response'
            setattr(current, kind, sample.group(1))
    return sections


def all_sections():
    found = []
    for version in PAGES:
        for page in sorted((API_REF / version).glob('*.inc')):
            found += parse(version, page)
    return found


SECTIONS = all_sections()


# -- the state a section's path needs -----------------------------------------

#: What a new document of each kind needs to exist first.
DEPENDS = {'clients': (), 'jobs': ('clients',), 'actions': (),
           'sessions': (), 'backups': ()}


class Setup:
    """Creates, from the create samples, the documents a section names."""

    def __init__(self, api, version):
        self.api, self.version = api, version
        self.ids = {}

    def url(self, path):
        path = path.replace('{project_id}', PROJECT)
        for name, value in self.ids.items():
            path = path.replace('{%s}' % name, value)
        return path

    def call(self, method, path, body=None, expect=None):
        resp = self.api.simulate_request(
            method, self.url(path), headers=HEADERS,
            body=None if body is None else json.dumps(body))
        if expect is not None:
            assert resp.status_code == expect, (method, path, resp.text)
        return resp

    def sample(self, name):
        return json.loads((API_REF / self.version / 'samples' / name)
                          .read_text())

    def prefix(self):
        return '/v1' if self.version == 'v1' else '/v2/{project_id}'

    def create(self, kind):
        noun = kind[:-1]
        resp = self.call('POST', '%s/%s' % (self.prefix(), kind),
                         self.sample('%s-create-request.json' % noun), 201)
        self.ids['%s_id' % noun] = resp.json['%s_id' % noun]

    def build(self, section):
        """Create what the section needs; return the live ids.

        A create needs only what the new document depends on (a job, its
        client); any other request gets one document of every kind, the
        job in the session, and for an ``end`` a started session.
        """
        if self.version not in VERSIONS:
            return self.ids
        rest = section.path.split('/')
        kind = rest[3] if self.version == 'v2' else rest[2]
        if section.method == 'POST' and section.path.endswith('/' + kind):
            for needed in DEPENDS[kind]:
                self.create(needed)
            return self.ids
        for needed in ('clients', 'jobs', 'actions', 'sessions', 'backups'):
            self.create(needed)
        shown = self.call('GET', self.prefix() + '/clients/{client_id}',
                          expect=200).json
        self.ids['uuid'] = shown['client']['uuid']
        self.call('PUT', self.prefix()
                  + '/sessions/{session_id}/jobs/{job_id}', expect=204)
        if section.request and 'end' in section.load(section.request):
            self.call('POST', self.prefix() + '/sessions/{session_id}/action',
                      {'start': {'job_id': self.ids['job_id'],
                                 'current_tag': 0}}, 202)
        return self.ids


def substitute(doc, mapping):
    """``doc`` with every string (keys too) in ``mapping`` replaced."""
    if isinstance(doc, dict):
        return {mapping.get(k, k): substitute(v, mapping)
                for k, v in doc.items()}
    if isinstance(doc, list):
        return [substitute(v, mapping) for v in doc]
    if isinstance(doc, str):
        return mapping.get(doc, doc)
    return doc


def run(api, section):
    """Send the section's request; return (response, live ids)."""
    setup = Setup(api, section.version)
    live = setup.build(section)
    to_live = {SAMPLE_IDS[k]: v for k, v in live.items() if k in SAMPLE_IDS}
    body = None
    if section.request:
        body = substitute(section.load(section.request), to_live)
    return setup.call(section.method, section.path, body), live


# -- shapes -------------------------------------------------------------------

def _kind(value):
    if isinstance(value, bool):
        return 'boolean'
    if isinstance(value, (int, float)):
        return 'number'
    if isinstance(value, str):
        return 'string'
    if value is None:
        return 'null'
    return type(value).__name__


def shape_errors(sample, live, where='$'):
    """Return how ``live`` differs in shape from ``sample`` (a list)."""
    if _kind(sample) != _kind(live):
        return ['%s: %s in the sample, %s live'
                % (where, _kind(sample), _kind(live))]
    errors = []
    if isinstance(sample, dict):
        if set(sample) != set(live):
            errors.append('%s: keys only in the sample %s, only live %s'
                          % (where, sorted(set(sample) - set(live)),
                             sorted(set(live) - set(sample))))
        for key in set(sample) & set(live):
            errors += shape_errors(sample[key], live[key],
                                   '%s.%s' % (where, key))
    elif isinstance(sample, list) and sample:
        if not live:
            errors.append('%s: the sample has items, live none' % where)
        for index, item in enumerate(live):
            model = _model(sample, item)
            if model is not None:
                errors += shape_errors(model, item,
                                       '%s[%d]' % (where, index))
    return errors


def _model(sample, item):
    """The sample item a live list item must look like.

    Items with an ``id`` (API versions) are matched by id, and a live item
    the sample does not show (a version documented on its own page) is not
    checked; any other item must look like the sample's first.
    """
    if isinstance(item, dict) and 'id' in item and all(
            isinstance(s, dict) and 'id' in s for s in sample):
        return next((s for s in sample if s['id'] == item['id']), None)
    return sample[0]


# -- tests --------------------------------------------------------------------

def test_every_page_has_sections_with_success_codes():
    assert len(SECTIONS) > 50
    for section in SECTIONS:
        assert section.status, section.id
        if section.version in VERSIONS:
            assert section.path.startswith('/%s/' % section.version), \
                section.id
        for sample in (section.request, section.response):
            if sample:
                assert (API_REF / section.version / sample).is_file(), \
                    sample


def test_every_route_and_method_of_the_api_is_documented():
    from freezer_api.api import routes
    documented = {(s.version, s.method, s.path) for s in SECTIONS}
    missing = []
    for version in VERSIONS:
        prefix = '/v1' if version == 'v1' else '/v2/{project_id}'
        for path, v1_class, later_class in routes.DOCUMENT_ROUTES:
            cls = v1_class if version == 'v1' else later_class
            noun = path.split('/')[1][:-1]
            path = prefix + path.replace('{item_id}', '{%s_id}' % noun)
            for method in ('GET', 'POST', 'PUT', 'PATCH', 'DELETE'):
                responder = getattr(cls, 'on_' + method.lower(), None)
                # NOTE: responders of a v3 microversion are masked in v1/v2.
                if (responder is None
                        or getattr(responder, 'min_version', None)):
                    continue
                if (version, method, path) not in documented:
                    missing.append((version, method, path))
    assert missing == []


def _parameter_references():
    """Return ``{(page, file)}`` named by ``rest_parameters`` and the set of
    parameter names the tables refer to.
    """
    files, names = set(), set()
    for page in API_REF.glob('*/*.inc'):
        table = False
        for line in page.read_text().splitlines():
            directive = _PARAMETERS.match(line)
            if directive:
                files.add((page.parent.name, directive.group(1)))
                table = True
            elif table and _PARAMETER.match(line):
                names.add(_PARAMETER.match(line).group(1))
            elif line.strip():
                table = False
    return files, names


def test_every_page_takes_its_parameters_from_the_one_file():
    files, names = _parameter_references()
    assert {name for _page, name in files} == {'../parameters.yaml'}
    assert sorted(p.relative_to(API_REF).as_posix()
                  for p in API_REF.rglob('parameters.yaml')) == \
        ['parameters.yaml']
    defined = yaml.safe_load((API_REF / 'parameters.yaml').read_text())
    assert names - set(defined) == set(), 'referenced, not defined'
    assert set(defined) - names == set(), 'defined, never referenced'


@pytest.mark.parametrize('section', SECTIONS, ids=lambda s: s.id)
def test_sample_matches_the_live_api(api, section):
    resp, live = run(api, section)
    assert resp.status_code == section.status, resp.text
    if section.status == 204:
        assert resp.text == ''
        return
    assert section.response, 'a %d answer needs a response sample' % (
        section.status)
    to_live = {SAMPLE_IDS[k]: v for k, v in live.items() if k in SAMPLE_IDS}
    sample = substitute(section.load(section.response), to_live)
    errors = shape_errors(sample, resp.json)
    assert not errors, '\n'.join(errors)
