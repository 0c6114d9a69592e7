"""The policy enforcer: one per application, built from its config."""

import time

from oslo_policy import policy as oslo_policy

from freezer_api import exception
from freezer_api import policies


def get_enforcer(conf=None):
    """Entry point for oslopolicy-* tools: an enforcer with our rules."""
    from freezer_api import conf as conf_pkg
    if conf is None:
        conf = conf_pkg.make_conf([])
    enforcer = _Enforcer(conf)
    enforcer.register_defaults(policies.list_rules())
    return enforcer


class _Enforcer(oslo_policy.Enforcer):
    """oslo.policy's Enforcer, counting every change of its rules.

    ``generation`` grows whenever the rules are replaced or updated (a
    policy file or policy.d change, ``set_rules``), and once more when a
    ``load_rules`` that changed them ends, so a decision made while rules
    were being reloaded is never taken for one made on the new rules.
    """

    generation = 0

    @property
    def rules(self):
        return self._rules

    @rules.setter
    def rules(self, value):
        self._rules = value
        self.generation += 1

    def set_rules(self, rules, overwrite=True, use_conf=False):
        super().set_rules(rules, overwrite, use_conf)
        self.generation += 1

    def load_rules(self, force_reload=False):
        before = self.generation
        super().load_rules(force_reload)
        if self.generation != before:
            self.generation += 1


_DENIED = 'denied'
_SCOPE = 'scope'


def _creds_key(ctx):
    values = ctx.to_policy_values()
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                        for k, v in values.items()))


class Policy:
    """Checks the caller's roles against a rule for a target project."""

    _MAX_DECISIONS = 10000

    def __init__(self, conf, clock=time.monotonic):
        """:param clock: seconds, for ``[api] policy_check_interval``."""
        self._enforcer = get_enforcer(conf)
        self._decisions = {}
        self._generation = None
        self._interval = conf.api.policy_check_interval
        self._clock = clock
        self._checked = None

    def authorize(self, ctx, rule, project_id):
        """Raise ``Forbidden`` unless ``ctx`` may do ``rule`` on
        ``project_id``.
        """
        denial = self._decide(ctx, rule, project_id)
        if denial == _SCOPE:
            raise exception.Forbidden(
                'Policy does not allow %s with this token scope' % rule,
                code='freezer.policy.forbidden')
        if denial is not None:
            raise exception.Forbidden(
                'Policy does not allow %s' % rule,
                code='freezer.policy.forbidden')

    def _decide(self, ctx, rule, project_id):
        """Return None (allowed), ``_SCOPE`` or ``_DENIED``.

        NOTE: evaluating a rule with oslo.policy costs hundreds of
        microseconds (it inspects every check's signature on every call),
        more than the rest of a GET. A decision depends only on the rules,
        the rule name, the target project and the caller's policy values,
        so it is remembered until the rules change.

        NOTE: oslo.policy looks for the policy file and each policy.d
        directory again on every check (about 50 us: a search of the
        config directories, stats, a raised ConfigFilesNotFoundError when
        there is none), so the files are checked at most once every
        ``[api] policy_check_interval`` seconds.
        """
        enforcer = self._enforcer
        now = self._clock()
        if self._checked is None or now - self._checked >= self._interval:
            enforcer.load_rules()
            self._checked = now
        generation = enforcer.generation
        if generation != self._generation or (
                len(self._decisions) > self._MAX_DECISIONS):
            self._decisions = {}
            self._generation = generation
        try:
            key = (rule, project_id, _creds_key(ctx))
            return self._decisions[key]
        except TypeError:
            key = None
        except KeyError:
            pass
        denial = None
        try:
            enforcer.authorize(rule, {'project_id': project_id}, ctx,
                               do_raise=True)
        except oslo_policy.InvalidScope:
            denial = _SCOPE
        except oslo_policy.PolicyNotAuthorized:
            denial = _DENIED
        if key is not None and enforcer.generation == generation:
            self._decisions[key] = denial
        return denial

    def check(self, ctx, rule, project_id):
        """Return True when ``ctx`` may do ``rule`` on ``project_id``."""
        try:
            self.authorize(ctx, rule, project_id)
        except exception.Forbidden:
            return False
        return True
