"""The policy enforcer: one per application, built from its config."""

from oslo_policy import policy as oslo_policy

from freezer_api import exception
from freezer_api import policies


def get_enforcer(conf=None):
    """Entry point for oslopolicy-* tools: an enforcer with our rules."""
    from freezer_api import conf as conf_pkg
    if conf is None:
        conf = conf_pkg.make_conf([])
    enforcer = oslo_policy.Enforcer(conf)
    enforcer.register_defaults(policies.list_rules())
    return enforcer


class Policy:
    """Checks the caller's roles against a rule for a target project."""

    def __init__(self, conf):
        self._enforcer = get_enforcer(conf)

    def authorize(self, ctx, rule, project_id):
        """Raise ``Forbidden`` unless ``ctx`` may do ``rule`` on
        ``project_id``."""
        target = {'project_id': project_id}
        try:
            self._enforcer.authorize(rule, target, ctx, do_raise=True)
        except oslo_policy.PolicyNotAuthorized:
            raise exception.Forbidden(
                'Policy does not allow %s' % rule,
                code='freezer.policy.forbidden')
        except oslo_policy.InvalidScope:
            raise exception.Forbidden(
                'Policy does not allow %s with this token scope' % rule,
                code='freezer.policy.forbidden')

    def check(self, ctx, rule, project_id):
        """Return True when ``ctx`` may do ``rule`` on ``project_id``."""
        try:
            self.authorize(ctx, rule, project_id)
        except exception.Forbidden:
            return False
        return True
