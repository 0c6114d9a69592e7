"""Every option of the service, for oslo-config-generator.

oslo.log's options come from its own ``oslo.log`` namespace (see
etc/freezer/freezer-config-generator.conf), oslo.policy's from
``oslo.policy``.
"""

import itertools

from keystonemiddleware import opts as ksm_opts

from freezer_api import conf as conf_pkg


def list_opts():
    """Return ``[(group, [opts])]`` for the sample configuration."""
    groups = {}
    pairs = itertools.chain(
        itertools.chain.from_iterable(m.list_opts()
                                      for m in conf_pkg.MODULES),
        ksm_opts.list_auth_token_opts())
    for group, opts in pairs:
        groups.setdefault(group or 'DEFAULT', []).extend(opts)
    return sorted(groups.items(), key=lambda kv: (kv[0] != 'DEFAULT', kv[0]))
