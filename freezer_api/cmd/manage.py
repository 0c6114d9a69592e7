"""``freezer-manage [-y] [-e] db sync|update|remove|show|update-settings``.

Options go before the ``db`` word, as the upstream README says. Every
failure prints a clear message and exits non-zero.
"""

import argparse
import sys

from freezer_api import conf as conf_pkg
from freezer_api import exception
from freezer_api.storage import driver

ACTIONS = ('sync', 'update', 'remove', 'show', 'update-settings')


def build_parser():
    parser = argparse.ArgumentParser(
        prog='freezer-manage',
        description='Manage the freezer-api store.',
        epilog='Options go before the "db" word: freezer-manage -y -e db '
               'sync')
    parser.add_argument('--config-file', action='append', default=[],
                        help='Configuration file (repeatable).')
    parser.add_argument('--config-dir', action='append', default=[],
                        help='Configuration directory (repeatable).')
    parser.add_argument('-y', '--yes', action='store_true',
                        help='Answer yes to every question.')
    parser.add_argument('-e', '--erase', action='store_true',
                        help='With sync/update: erase the store first.')
    categories = parser.add_subparsers(dest='category', required=True)
    db = categories.add_parser('db', help='Store schema and settings.')
    db.add_argument('action', choices=ACTIONS)
    return parser


def _confirm(question, assume_yes, stdin, stdout):
    if assume_yes:
        return True
    stdout.write('%s [y/N] ' % question)
    stdout.flush()
    answer = stdin.readline().strip().lower()
    return answer in ('y', 'yes')


def _conf_args(args):
    out = []
    for path in args.config_file:
        out += ['--config-file', path]
    for path in args.config_dir:
        out += ['--config-dir', path]
    return out


def run(args, stdin, stdout):
    """Run the parsed command; return the exit status."""
    conf = conf_pkg.make_conf(_conf_args(args), prog='freezer-api')
    manager = driver.open_manager(conf)
    action = args.action
    destructive = action == 'remove' or (args.erase
                                         and action in ('sync', 'update'))
    if destructive and not _confirm(
            'This erases every document of the %s store. Continue?'
            % conf.storage.driver, args.yes, stdin, stdout):
        stdout.write('Aborted: nothing was changed.\n')
        return 1
    lines = []
    if args.erase and action in ('sync', 'update'):
        lines += manager.remove()
    method = {'sync': manager.sync, 'update': manager.update,
              'remove': manager.remove, 'show': manager.show,
              'update-settings': manager.update_settings}[action]
    lines += method()
    for line in lines:
        stdout.write(line + '\n')
    return 0


def main(argv=None, stdin=sys.stdin, stdout=sys.stdout, stderr=sys.stderr):
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return run(args, stdin, stdout)
    except exception.FreezerError as exc:
        stderr.write('ERROR: %s\n' % exc.message)
    except Exception as exc:  # noqa: B902 - a CLI must not die silently
        stderr.write('ERROR: %s: %s\n' % (exc.__class__.__name__, exc))
    return 1


if __name__ == '__main__':
    sys.exit(main())
