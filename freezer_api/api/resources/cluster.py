"""/v3/{project_id}/clusters: Cinder's cluster API (from 3.7, admin only)
the history of a cluster (from 3.8) and its members (from 3.9).

Policy is checked before the query string or the body is looked at; show,
enable and disable address one cluster by its exact name and binary
(``freezer-scheduler`` unless given).
"""

from freezer_api.api.resources import base
from freezer_api.objects import service
from freezer_api.policies import cluster as cluster_rules
from freezer_api.schemas import cluster as schemas
from freezer_api.schemas import validate

DEFAULT_BINARY = service.SCHEDULER_BINARY


class _Clusters(base.Resource):
    kind = 'clusters'
    #: Below this microversion the path does not exist (404).
    min_version = '3.7'

    def query(self, req, allowed):
        return schemas.parse_query(req.params, allowed)

    def binary(self, req):
        return self.query(req, ['binary']).get('binary', DEFAULT_BINARY)


class Collection(_Clusters):
    """GET clusters: the summary of every cluster."""

    detail = False

    def on_get(self, req, resp, project_id):
        self.realm(req, cluster_rules.GET_ALL, project_id)
        filters = self.query(req, schemas.FILTERS)
        resp.media = {'clusters': self.docs.list(filters, self.detail)}


class Detail(Collection):
    """GET clusters/detail: every cluster with counters and timestamps."""

    detail = True


class Item(_Clusters):
    """GET clusters/{name}?binary=: one cluster in detail."""

    def on_get(self, req, resp, name, project_id):
        self.realm(req, cluster_rules.GET, project_id)
        resp.media = {'cluster': self.docs.get(name, self.binary(req))}


class Enable(_Clusters):
    """PUT clusters/enable ``{"name", "binary"?}``."""

    disabled = False
    schema = schemas.ENABLE

    def on_put(self, req, resp, project_id):
        realm = self.realm(req, cluster_rules.UPDATE, project_id)
        self.query(req, [])
        body = self.body(req)
        validate.validate(self.schema, body, 'cluster request')
        reason = (body.get('disabled_reason') or '').strip() or None
        resp.media = {'cluster': self.docs.set_disabled(
            body['name'], body.get('binary') or DEFAULT_BINARY,
            self.disabled, reason, realm.user_id)}


class Disable(Enable):
    """PUT clusters/disable ``{"name", "binary"?, "disabled_reason"?}``."""

    disabled = True
    schema = schemas.DISABLE


class History(_Clusters):
    """GET clusters/{name}/history?binary=: enable/disable, oldest first."""

    min_version = '3.8'

    def on_get(self, req, resp, name, project_id):
        self.realm(req, cluster_rules.GET, project_id)
        resp.media = {'history': self.docs.history(name, self.binary(req))}


class Services(_Clusters):
    """GET clusters/{name}/services?binary=: the cluster's members."""

    min_version = '3.9'
    answer_key = 'services'

    def on_get(self, req, resp, name, project_id):
        self.realm(req, cluster_rules.GET, project_id)
        resp.media = {'services': self.docs.topology(name,
                                                     self.binary(req))}
