"""``freezer-status upgrade check``: is this deployment ready to serve?

Built on oslo.upgradecheck; ``freezer-manager-status`` is upstream's name for
the same command. Exit codes: 0 success, 1 warning, 2 failure.
"""

import sys

from oslo_config import cfg
from oslo_upgradecheck import common_checks
from oslo_upgradecheck import upgradecheck

from freezer_api.cmd import discovery
from freezer_api import conf as conf_pkg
from freezer_api import policies
from freezer_api import policy
from freezer_api.storage import driver

Code = upgradecheck.Code
Result = upgradecheck.Result


class Checks(upgradecheck.UpgradeCommands):
    """The checks ``freezer-status upgrade check`` runs, in order."""

    def __init__(self, conf):
        self.conf = conf

    def _check_store(self):
        """The store answers and its schema is at the newest revision."""
        manager = None
        try:
            manager = driver.open_manager(self.conf)
            current = manager.is_current()
        except Exception as exc:  # noqa: BLE001 - any failure is the answer
            return Result(Code.FAILURE, 'The %s store is not usable: %s'
                          % (self.conf.storage.driver, exc))
        finally:
            if manager is not None:
                manager.close()
        if not current:
            return Result(Code.FAILURE, 'The store schema is not at the '
                          'newest revision; run "freezer-manage db sync".')
        return Result(Code.SUCCESS)

    def _check_policy_rules(self):
        """The policy file parses and names only rules the service has."""
        enforcer = policy.get_enforcer(self.conf)
        try:
            enforcer.load_rules(force_reload=True)
        except Exception as exc:  # noqa: BLE001 - oslo.policy raises many
            return Result(Code.FAILURE, 'The policy file cannot be read: %s'
                          % exc)
        known = {rule.name for rule in policies.list_rules()}
        unknown = sorted(set(enforcer.file_rules) - known)
        if unknown:
            return Result(Code.WARNING, 'The policy file sets rules the '
                          'service does not have (typos?): %s'
                          % ', '.join(unknown))
        return Result(Code.SUCCESS)

    def _check_auth_strategy(self):
        """Requests are authenticated by Keystone."""
        if self.conf.auth_strategy == 'noauth':
            return Result(Code.WARNING, 'auth_strategy = noauth trusts the '
                          'identity headers of every request; use it for '
                          'development only.')
        return Result(Code.SUCCESS)

    def _check_policy_json(self):
        return common_checks.check_policy_json(self, self.conf)

    _upgrade_checks = (
        ('Store reachable and schema current', _check_store),
        ('Policy file JSON to YAML migration', _check_policy_json),
        ('Policy file rules', _check_policy_rules),
        ('Authentication', _check_auth_strategy),
    )


def main(argv=None):
    """Run ``freezer-status``; return its exit code."""
    conf = conf_pkg.register_all(cfg.ConfigOpts())
    argv = sys.argv[1:] if argv is None else argv
    return upgradecheck.main(conf, 'freezer', Checks(conf), argv=argv,
                             default_config_files=discovery.config_files())


if __name__ == '__main__':
    sys.exit(main())
