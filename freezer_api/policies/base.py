"""Base rules the per-noun rules are built from, and the helpers that build
them (secure defaults: owner or admin writes, readers read).

Every rule is checked against a target ``{"project_id": ...}``: the project
in a v2/v3 URL, or the caller's own project for v1 (where documents also
belong to their user). Admins and services are not bound to a project.
"""

import collections

from oslo_policy import policy

ADMIN = 'rule:context_is_admin'
ADMIN_OR_OWNER = 'rule:admin_or_owner'
ADMIN_OR_SERVICE = 'rule:admin_or_service'
ADMIN_OR_OWNER_OR_SERVICE = 'rule:admin_or_owner_or_service'
ADMIN_OR_READER_OR_SERVICE = 'rule:admin_or_reader_or_service'

#: URL prefixes of the API versions a document route exists in.
V1 = '/v1'
V2 = '/v2/{project_id}'
V3 = '/v3/{project_id}'
ALL_VERSIONS = (V1, V2, V3)

RULES = [
    policy.RuleDefault('context_is_admin', 'role:admin',
                       description='Holders of the admin role, in any '
                                   'project.'),
    policy.RuleDefault('project_member',
                       'role:member and project_id:%(project_id)s',
                       description='Members of the target project.'),
    policy.RuleDefault('project_reader',
                       'role:reader and project_id:%(project_id)s',
                       description='Readers of the target project '
                                   "(with Keystone's implied roles, members "
                                   'and admins are readers too).'),
    policy.RuleDefault('admin_or_owner',
                       'rule:context_is_admin or rule:project_member',
                       description='Admins, or members of the target '
                                   'project.'),
    policy.RuleDefault('admin_or_service', 'role:admin or role:service',
                       description='Admins and service users (such as a '
                                   'central scheduler), in any project.'),
    policy.RuleDefault('admin_or_owner_or_service',
                       'rule:admin_or_service or rule:project_member',
                       description='Admins, services, or members of the '
                                   'target project.'),
    policy.RuleDefault('admin_or_reader_or_service',
                       'rule:admin_or_owner_or_service or '
                       'rule:project_reader',
                       description='Anyone who may read the target '
                                   'project.'),
]


def list_rules():
    return RULES


def operations(method, path, versions=ALL_VERSIONS):
    """``(method, full path)`` of a route below each version prefix."""
    return [(method, prefix + path) for prefix in versions]


def rule(name, check_str, description, ops):
    """A documented rule on project-scoped tokens; ``ops`` are
    ``(method, path)`` pairs, as :func:`operations` returns them.
    """
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=[{'method': m, 'path': p} for m, p in ops],
        scope_types=['project'])


def replace_operations(item):
    """POST on the item (every version) and PUT (v3, from 3.3)."""
    return operations('POST', item) + operations('PUT', item, (V3,))


#: The rule names of a noun's plain CRUD routes, for the resources to
#: check; ``update``/``replace`` None where the noun has no such route, and
#: ``replace`` the same name as ``create`` where upstream checks that one.
Crud = collections.namedtuple('Crud', ['get_all', 'get', 'create', 'delete',
                                       'update', 'replace'])


def crud_rules(noun, plural, read, write, names,
               update_versions=ALL_VERSIONS):
    """The documented rules of a noun's CRUD routes, named by ``names``
    (a ``Crud``).
    """
    path = '/' + plural
    item = path + '/{%s_id}' % noun
    create_ops = operations('POST', path)
    replace_is_create = names.replace == names.create
    if replace_is_create:
        create_ops += replace_operations(item)
    rules = [
        rule(names.get_all, read, 'List %s.' % plural,
             operations('GET', path)),
        rule(names.get, read, 'Show a %s.' % noun, operations('GET', item)),
        rule(names.create, write, 'Create a %s.' % noun
             + (' Also guards the replace of a %s at its id.' % noun
                if replace_is_create else ''), create_ops),
        rule(names.delete, write, 'Delete a %s.' % noun,
             operations('DELETE', item)),
    ]
    if names.update:
        rules.append(rule(names.update, write,
                          'Update part of a %s (PATCH).' % noun,
                          operations('PATCH', item, update_versions)))
    if names.replace and not replace_is_create:
        rules.append(rule(names.replace, write,
                          'Create or replace a %s at its id.' % noun,
                          replace_operations(item)))
    return rules
