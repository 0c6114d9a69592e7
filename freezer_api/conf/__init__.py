"""Configuration: every option lives in a module of this package.

``make_conf()`` returns a private ``ConfigOpts`` with all of them registered;
nothing in the service reads a global configuration object.
"""

from oslo_config import cfg
from oslo_log import log

from freezer_api.conf import api
from freezer_api.conf import centralized_scheduler
from freezer_api.conf import database
from freezer_api.conf import default
from freezer_api.conf import elasticsearch
from freezer_api.conf import metrics
from freezer_api.conf import middleware
from freezer_api.conf import storage

MODULES = (default, api, storage, database, elasticsearch, middleware,
           centralized_scheduler, metrics)


def register_all(conf):
    """Register every option of the service on ``conf``."""
    for module in MODULES:
        module.register_opts(conf)
    log.register_options(conf)
    return conf


def make_conf(args=None, default_config_files=None, default_config_dirs=None,
              prog='freezer-api'):
    """Return a parsed ``ConfigOpts`` for the service.

    :param args: command line arguments (never the server's own sys.argv
        unless the caller passes it).
    """
    conf = register_all(cfg.ConfigOpts())
    conf(args=list(args or []), project='freezer', prog=prog,
         default_config_files=default_config_files,
         default_config_dirs=default_config_dirs)
    return conf
