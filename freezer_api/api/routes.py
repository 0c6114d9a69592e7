"""The route table: every path of every API version, and its resource.

v1 paths have no project; v2 and v3 paths are ``/{v2,v3}/{project_id}/...``.
The same resource classes serve them all: they are told which version they
serve (v3 is v2 plus microversions, ``api/microversion.py``), and v3 adds the
cluster API (``CLUSTER_ROUTES``).
"""

from freezer_api.api import openapi
from freezer_api.api.resources import action
from freezer_api.api.resources import backup
from freezer_api.api.resources import client
from freezer_api.api.resources import cluster
from freezer_api.api.resources import health
from freezer_api.api.resources import job
from freezer_api.api.resources import metrics
from freezer_api.api.resources import session
from freezer_api.api.resources import status
from freezer_api.api.resources import version
from freezer_api.objects import readiness

#: The OpenAPI document of every route (``api/openapi.py``).
OPENAPI_PATH = '/openapi.json'

#: Health checks for load balancers (``api/resources/status.py``).
LIVE_PATH = '/health/live'
READY_PATH = '/health/ready'
STATUS_PATH = '/status'
METRICS_PATHS = ('/metrics', '/metrics.json')

#: Paths that need no authentication.
PUBLIC_PATHS = ('/', '/healthcheck', '/health', LIVE_PATH, READY_PATH, '/v3',
                OPENAPI_PATH)

#: Requests to these are not activity (``last_active`` of /status).
QUIET_PATHS = ('/healthcheck', '/health', LIVE_PATH, READY_PATH,
               STATUS_PATH) + METRICS_PATHS

#: Paths whose clients may not accept JSON (Prometheus reads text).
ANY_ACCEPT_PATHS = PUBLIC_PATHS + METRICS_PATHS


class PublicPaths:
    """``PUBLIC_PATHS``, and the metrics while ``[metrics] public`` is
    set (read per request: the option is mutable).
    """

    def __init__(self, conf):
        self.conf = conf

    def __contains__(self, path):
        return path in PUBLIC_PATHS or (
            path in METRICS_PATHS and self.conf.metrics.public)


#: (path below the version prefix, v1 resource, v2+ resource)
DOCUMENT_ROUTES = [
    ('/backups', backup.Collection, backup.Collection),
    ('/backups/{item_id}', backup.ItemV1, backup.Item),
    ('/clients', client.Collection, client.Collection),
    ('/clients/{item_id}', client.Item, client.Item),
    ('/jobs', job.Collection, job.Collection),
    ('/jobs/{item_id}', job.Item, job.Item),
    ('/jobs/{item_id}/event', job.Event, job.Event),
    ('/actions', action.Collection, action.Collection),
    ('/actions/{item_id}', action.Item, action.Item),
    ('/sessions', session.Collection, session.Collection),
    ('/sessions/{item_id}', session.Item, session.Item),
    ('/sessions/{item_id}/action', session.Action, session.Action),
    ('/sessions/{item_id}/jobs/{job_id}', session.Job, session.Job),
]

#: (path below the v3 prefix, resource): the cluster API, v3 only (each
#: responder says its minimum microversion).
CLUSTER_ROUTES = [
    ('/clusters', cluster.Collection),
    ('/clusters/detail', cluster.Detail),
    ('/clusters/enable', cluster.Enable),
    ('/clusters/disable', cluster.Disable),
    ('/clusters/{name}', cluster.Item),
    ('/clusters/{name}/history', cluster.History),
    ('/clusters/{name}/services', cluster.Services),
]

PREFIXES = {'v1': '/v1', 'v2': '/v2/{project_id}', 'v3': '/v3/{project_id}'}


def table(deps, versions=('v1', 'v2', 'v3')):
    """Every ``(path, resource)`` of ``versions``, in the order added."""
    found = [('/', version.Root([v for v in version.VERSIONS
                                 if v['id'] in versions]))]
    probe = health.Health(deps.store)
    found += [('/healthcheck', probe), ('/health', probe)]
    ready = readiness.Probe(deps.store, deps.conf)
    found += [(LIVE_PATH, status.Live(deps.lifecycle)),
              (READY_PATH, status.Ready(deps.lifecycle, ready)),
              (STATUS_PATH, status.Status(deps, deps.lifecycle, ready)),
              (METRICS_PATHS[0], metrics.Metrics(deps)),
              (METRICS_PATHS[1], metrics.MetricsJson(deps))]
    for api in versions:
        prefix = PREFIXES[api]
        found.append(('/%s' % api,
                      version.V3() if api == 'v3' else version.Home(api)))
        for path, v1_class, later_class in DOCUMENT_ROUTES:
            cls = v1_class if api == 'v1' else later_class
            found.append((prefix + path, cls(deps, api)))
    if 'v3' in versions:
        for path, cls in CLUSTER_ROUTES:
            found.append((PREFIXES['v3'] + path, cls(deps, 'v3')))
    return found


def add_routes(app, deps, versions=('v1', 'v2', 'v3')):
    """Add every route of ``versions`` to a falcon App, and the OpenAPI
    document of them all at ``/openapi.json``.
    """
    document = openapi.Document()
    routes = table(deps, versions) + [(OPENAPI_PATH, document)]
    document.describe(routes, PUBLIC_PATHS)
    for path, resource in routes:
        app.add_route(path, resource)
