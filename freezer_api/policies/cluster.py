"""Rules of the cluster API (v3, microversion 3.7 on): admin only."""

from freezer_api.policies import base

GET_ALL = 'clusters:get_all'
GET = 'clusters:get'
UPDATE = 'clusters:update'

_PATH = base.V3 + '/clusters'


def list_rules():
    return [
        base.rule(GET_ALL, base.ADMIN,
                  'List clusters, in summary or in detail.',
                  [('GET', _PATH), ('GET', _PATH + '/detail')]),
        base.rule(GET, base.ADMIN,
                  'Show a cluster, its enable/disable history (3.8) and '
                  'its members (3.9).',
                  [('GET', _PATH + '/{name}'),
                   ('GET', _PATH + '/{name}/history'),
                   ('GET', _PATH + '/{name}/services')]),
        base.rule(UPDATE, base.ADMIN,
                  'Enable or disable a cluster.',
                  [('PUT', _PATH + '/enable'), ('PUT', _PATH + '/disable')]),
    ]
