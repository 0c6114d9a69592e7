"""Re-reading the configuration files without a restart (SIGHUP to
``freezer-api``; Patroni's ``/reload``).

Options declared ``mutable=True`` take effect for the next request;
oslo.config logs a changed immutable option as needing a restart; a file
that no longer parses is logged and the running configuration kept.
"""

import logging

from oslo_config import cfg

LOG = logging.getLogger(__name__)


class _Immutable(logging.Handler):
    """Collects the immutable options oslo.config saw changed."""

    PREFIX = 'Ignoring change to immutable option '

    def __init__(self):
        super().__init__()
        self.names = []

    def emit(self, record):
        message = record.getMessage()
        if message.startswith(self.PREFIX):
            self.names.append(message[len(self.PREFIX):])


def reload(conf):
    """Re-read ``conf``'s files; return the changed mutable options
    (``{(group, name): (old, new)}``), or None when they could not be
    read (the running configuration is kept).
    """
    immutable = _Immutable()
    cfg_log = logging.getLogger('oslo_config.cfg')
    cfg_log.addHandler(immutable)
    try:
        changed = conf.mutate_config_files()
    except (cfg.Error, SystemExit, OSError) as exc:
        LOG.error('Configuration not reloaded, the running one is kept: '
                  '%s', exc)
        return None
    finally:
        cfg_log.removeHandler(immutable)
    for name in immutable.names:
        LOG.warning('Option %s changed in the configuration files; it '
                    'takes effect only after a restart', name)
    LOG.info('Configuration reloaded: %d mutable option(s) changed',
             len(changed))
    return changed
