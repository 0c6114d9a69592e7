"""Options of the [centralized_scheduler] group: Keystone trusts for jobs.

The names are upstream freezer-api's (19.0.0), so existing configuration
files keep working.
"""

from oslo_config import cfg

GROUP = 'centralized_scheduler'

OPTS = [
    cfg.BoolOpt('enabled', default=True,
                help='Create Keystone trusts for jobs: a job for a central '
                     'client (or every job with enforce_trusts) gets '
                     '``user_credentials`` that let the central scheduler '
                     'act for the job\'s creator. False: never create '
                     'trusts.'),
    cfg.BoolOpt('enforce_trusts', default=False,
                help='Create a trust for every v2/v3 job, whatever its '
                     'client; False: only for jobs of central clients.'),
    cfg.StrOpt('auth_section', default='keystone_authtoken',
               help='Config section holding the keystoneauth options '
                    '(auth_type, auth_url, username, ...) of the service '
                    'user that trusts are given to (the trustee).'),
    cfg.ListOpt('trusts_delegated_roles', default=['member'],
                help='Roles of the caller that a trust delegates; the '
                     'caller must hold them on the job\'s project. Empty: '
                     'all the roles of the caller\'s token.'),
    cfg.StrOpt('service_user', deprecated_for_removal=True,
               deprecated_reason='The trustee is the user of '
                                 'auth_section; this option is ignored.',
               help='Ignored (as upstream ignores it): the trustee is the '
                    'user that auth_section authenticates.'),
    cfg.StrOpt('service_user_domain', default='default',
               deprecated_for_removal=True,
               deprecated_reason='The trustee is the user of '
                                 'auth_section; this option is ignored.',
               help='Ignored, with service_user.'),
]


def register_opts(conf):
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return [(GROUP, OPTS)]
