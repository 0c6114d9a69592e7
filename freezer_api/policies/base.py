"""Base rules the per-noun rules are built from (secure defaults)."""

from oslo_policy import policy

ADMIN = 'rule:context_is_admin'
ADMIN_OR_OWNER = 'rule:admin_or_owner'
ADMIN_OR_SERVICE = 'rule:admin_or_service'
ADMIN_OR_OWNER_OR_SERVICE = 'rule:admin_or_owner_or_service'
ADMIN_OR_READER_OR_SERVICE = 'rule:admin_or_reader_or_service'

RULES = [
    policy.RuleDefault('context_is_admin', 'role:admin',
                       description='Holders of the admin role.'),
    policy.RuleDefault('project_member',
                       'role:member and project_id:%(project_id)s',
                       description='Members of the target project.'),
    policy.RuleDefault('project_reader',
                       'role:reader and project_id:%(project_id)s',
                       description='Readers of the target project.'),
    policy.RuleDefault('admin_or_owner',
                       'rule:context_is_admin or rule:project_member',
                       description='Admins, or members of the project.'),
    policy.RuleDefault('admin_or_service', 'role:admin or role:service',
                       description='Admins and service users.'),
    policy.RuleDefault('admin_or_owner_or_service',
                       'rule:admin_or_service or rule:project_member',
                       description='Admins, services, or project members.'),
    policy.RuleDefault('admin_or_reader_or_service',
                       'rule:admin_or_owner_or_service or '
                       'rule:project_reader',
                       description='Anyone who may read the project.'),
]


def list_rules():
    return RULES


def rule(name, check_str, description, operations):
    """A documented rule on project-scoped tokens."""
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=[{'method': m, 'path': p} for m, p in operations],
        scope_types=['project'])


def crud_rules(noun, plural, read, write, replace=True, update=True):
    """The get/get_all/create/update/replace/delete rules of a noun."""
    path = '/v2/{project_id}/%s' % plural
    item = path + '/{%s_id}' % noun
    rules = [
        rule('%s:get_all' % plural, read, 'List %s.' % plural,
             [('GET', path)]),
        rule('%s:get' % plural, read, 'Show a %s.' % noun,
             [('GET', item)]),
        rule('%s:create' % plural, write, 'Create a %s.' % noun,
             [('POST', path)]),
        rule('%s:delete' % plural, write, 'Delete a %s.' % noun,
             [('DELETE', item)]),
    ]
    if update:
        rules.append(rule('%s:update' % plural, write,
                          'Update a %s.' % noun, [('PATCH', item)]))
    if replace:
        rules.append(rule('%s:replace' % plural, write,
                          'Create or replace a %s at its id.' % noun,
                          [('POST', item)]))
    return rules
