"""Who is asking, and which documents that lets them see.

A ``Realm`` is built by the API layer for each request: v1 documents belong
to their user, v2/v3 documents to the project in the URL (``owner``).
"""

import collections

from freezer_api.storage import base

Realm = collections.namedtuple(
    'Realm', ['api', 'project_id', 'user_id', 'user_name', 'scope',
              'caller'], defaults=(None,))
Realm.__doc__ = """The caller and its view of the store.

``api`` is 'v1', 'v2' or 'v3'; ``project_id``/``user_id`` own what the caller
creates; ``scope`` is the storage scope the caller lists (its ``owner``,
or ``ANY`` for an admin listing every project);
``caller`` is the request context (its token and roles create Keystone
trusts)."""


def v1(ctx):
    """Realm of a v1 request: the caller's own documents."""
    return Realm('v1', ctx.project_id, ctx.user_id, ctx.user_name,
                 base.Scope(user_id=ctx.user_id), ctx)


def project(ctx, api, project_id, all_projects=False):
    """Realm of a v2/v3 request on ``project_id`` (any project if
    ``all_projects``, which the API allows only where policy does).
    """
    scope = base.ANY if all_projects else base.Scope(project_id=project_id)
    return Realm(api, project_id, ctx.user_id, ctx.user_name, scope, ctx)


def owner(realm):
    """The storage scope that owns the realm's documents: what it creates,
    reads, changes and deletes by id (the user on v1, else the project).
    """
    if realm.api == 'v1':
        return base.Scope(user_id=realm.user_id)
    return base.Scope(project_id=realm.project_id)


def owner_fields(realm):
    """Owner fields stamped on every document the realm creates."""
    return {'user_id': realm.user_id, 'project_id': realm.project_id}
