"""Every option of the service, for oslo-config-generator."""

import itertools

from keystonemiddleware import opts as ksm_opts
from oslo_log import _options as log_options

from freezer_api import conf as conf_pkg


def list_opts():
    """Return ``[(group, [opts])]`` for the sample configuration."""
    groups = {}
    pairs = itertools.chain(
        itertools.chain.from_iterable(m.list_opts()
                                      for m in conf_pkg.MODULES),
        ksm_opts.list_auth_token_opts(),
        log_options.list_opts())
    for group, opts in pairs:
        groups.setdefault(group or 'DEFAULT', []).extend(opts)
    return sorted(groups.items(), key=lambda kv: (kv[0] != 'DEFAULT', kv[0]))
