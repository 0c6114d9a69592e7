"""Where a deployed service finds its configuration files.

``$OS_FREEZER_CONFIG_DIR/freezer-api.conf`` when the variable is set, else
``/etc/freezer/freezer-api.conf``; a ``freezer-api.conf.d`` directory next to
it is read too. The WSGI entry point and ``freezer-status`` use this instead
of a server's command line, which belongs to the server (uwsgi, httpd).
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
    """Return ``(files, dirs)`` to pass as oslo.config's defaults.

    :raises freezer_api.exception.ConfigError: when ``OS_FREEZER_CONFIG_DIR``
        is set but holds no ``freezer-api.conf`` (a typo there would otherwise
        start a service with every option at its default).
    """
    environ = os.environ if environ is None else environ
    directory = config_dir(environ)
    path = os.path.join(directory, FILE_NAME)
    files = [path] if os.path.isfile(path) else []
    if not files and environ.get(ENV_VAR):
        raise exception.ConfigError(
            '%s=%s but %s does not exist' % (ENV_VAR, directory, path))
    conf_d = path + '.d'
    dirs = [conf_d] if os.path.isdir(conf_d) else []
    return files, dirs
