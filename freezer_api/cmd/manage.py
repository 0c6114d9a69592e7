"""``freezer-manage [-y] [-e] db sync|update|remove|show|update-settings``.

Options go before the ``db`` word (``freezer-manage -y -e db sync``), as
upstream freezer-api's command line takes them, so operators' scripts keep
working. Every failure prints a clear message and exits non-zero.
"""

import sys

from oslo_config import cfg

from freezer_api import conf as conf_pkg
from freezer_api import exception
from freezer_api.storage import driver

ACTIONS = ('sync', 'update', 'remove', 'show', 'update-settings')
# NOTE: the configuration files are the service's (freezer-api.conf in the
# usual places); only the usage says freezer-manage.
_PROJECT = 'freezer'
_SERVICE = 'freezer-api'
_EPILOG = 'Options go before the "db" word: freezer-manage -y -e db sync'

CLI_OPTS = [
    cfg.BoolOpt('yes', short='y', default=False,
                help='Answer yes to every question.'),
    cfg.BoolOpt('erase', short='e', default=False,
                help='With sync/update: erase the store first.'),
]


def _add_commands(subparsers):
    db = subparsers.add_parser('db', help='Store schema and settings.')
    db.add_argument('action', choices=ACTIONS)


COMMAND = cfg.SubCommandOpt('category', title='Commands',
                            handler=_add_commands)


def parse(argv):
    """Return the service's configuration with the command line parsed.

    :raises SystemExit: a bad command line (argparse's usage, status 2).
    :raises oslo_config.cfg.Error: a configuration file is missing or
        unreadable.
    """
    conf = conf_pkg.register_all(cfg.ConfigOpts())
    conf.register_cli_opts(CLI_OPTS)
    conf.register_cli_opt(COMMAND)
    conf(args=list(argv), project=_PROJECT, prog='freezer-manage',
         description='Manage the freezer-api store.', epilog=_EPILOG,
         default_config_files=cfg.find_config_files(_PROJECT, _SERVICE),
         default_config_dirs=cfg.find_config_dirs(_PROJECT, _SERVICE))
    return conf


def _confirm(question, assume_yes, stdin, stdout):
    if assume_yes:
        return True
    stdout.write('%s [y/N] ' % question)
    stdout.flush()
    answer = stdin.readline().strip().lower()
    return answer in ('y', 'yes')


def run(conf, stdin, stdout):
    """Run the parsed command; return the exit status."""
    manager = driver.open_manager(conf)
    action = conf.category.action
    erase = conf.erase and action in ('sync', 'update')
    if (action == 'remove' or erase) and not _confirm(
            'This erases every document of the %s store. Continue?'
            % conf.storage.driver, conf.yes, stdin, stdout):
        stdout.write('Aborted: nothing was changed.\n')
        return 1
    lines = []
    if erase:
        lines += manager.remove()
    method = {'sync': manager.sync, 'update': manager.update,
              'remove': manager.remove, 'show': manager.show,
              'update-settings': manager.update_settings}[action]
    lines += method()
    for line in lines:
        stdout.write(line + '\n')
    return 0


def main(argv=None, stdin=sys.stdin, stdout=sys.stdout, stderr=sys.stderr):
    try:
        conf = parse(sys.argv[1:] if argv is None else argv)
    except cfg.Error as exc:
        stderr.write('ERROR: %s\n' % exc)
        return 1
    try:
        return run(conf, stdin, stdout)
    except exception.FreezerError as exc:
        stderr.write('ERROR: %s\n' % exc.message)
    except Exception as exc:  # noqa: B902 - a CLI must not die silently
        stderr.write('ERROR: %s: %s\n' % (exc.__class__.__name__, exc))
    return 1


if __name__ == '__main__':
    sys.exit(main())
