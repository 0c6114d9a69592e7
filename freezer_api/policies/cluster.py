"""Rules of the cluster API (v3, microversion 3.7): admin only."""

from freezer_api.policies import base

_PATH = '/v3/{project_id}/clusters'


def list_rules():
    return [
        base.rule('clusters:get_all', base.ADMIN, 'List clusters.',
                  [('GET', _PATH), ('GET', _PATH + '/detail')]),
        base.rule('clusters:get', base.ADMIN, 'Show a cluster.',
                  [('GET', _PATH + '/{name}')]),
        base.rule('clusters:update', base.ADMIN,
                  'Enable or disable a cluster.',
                  [('PUT', _PATH + '/enable'), ('PUT', _PATH + '/disable')]),
    ]
