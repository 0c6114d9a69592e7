"""Where a deployed service finds its configuration file.

``$OS_FREEZER_CONFIG_DIR/freezer-api.conf`` when the variable is set, else
``/etc/freezer/freezer-api.conf``. The WSGI entry point and ``freezer-status``
use this instead of a command line: under uWSGI or Apache the process's
``sys.argv`` belongs to the server, not to us.
"""

import os

from freezer_api import exception

ENV_VAR = 'OS_FREEZER_CONFIG_DIR'
DEFAULT_DIR = '/etc/freezer'
FILE_NAME = 'freezer-api.conf'


def config_dir(environ=None):
    """Return the directory holding ``freezer-api.conf``."""
    environ = os.environ if environ is None else environ
    return environ.get(ENV_VAR) or DEFAULT_DIR


def config_files(environ=None):
    """Return the list of files to pass as oslo.config's defaults.

    Empty when ``/etc/freezer/freezer-api.conf`` does not exist (every option
    then has its default).

    :raises freezer_api.exception.ConfigError: when ``OS_FREEZER_CONFIG_DIR``
        is set but holds no ``freezer-api.conf``: a typo there must not start
        a service with every option at its default.
    """
    environ = os.environ if environ is None else environ
    path = os.path.join(config_dir(environ), FILE_NAME)
    if os.path.isfile(path):
        return [path]
    if environ.get(ENV_VAR):
        raise exception.ConfigError(
            '%s is set to %s, which holds no %s'
            % (ENV_VAR, environ[ENV_VAR], FILE_NAME))
    return []
