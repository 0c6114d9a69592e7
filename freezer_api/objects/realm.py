"""Who is asking, and which documents that lets them see.

A ``Realm`` is built by the API layer for each request: v1 documents belong
to their user, v2/v3 documents to the project in the URL. The realm carries
what follows from that as plain facts, so that the document rules never
look at an API version.
"""

import collections

from freezer_api.storage import base

Realm = collections.namedtuple(
    'Realm', ['project_id', 'user_id', 'user_name', 'scope', 'owner',
              'by_project', 'caller'], defaults=(None,))
Realm.__doc__ = """The caller and its view of the store.

``project_id``/``user_id`` own what the caller creates; ``owner`` is the
storage scope that owns the realm's documents (what it creates, reads,
changes and deletes by id: its user, or its project); ``scope`` is the
scope the caller lists (``owner``, or ``ANY`` for an admin listing every
project). ``by_project`` is true when documents belong to projects (v2 and
later): then a job may name its own id, must name a client of the project
(or a central one) that supports its actions, and may carry a trust; a
client registered again is updated rather than refused; a backup is shown
with its project and status. ``caller`` is the request context (its token
and roles create Keystone trusts)."""


def v1(ctx):
    """Realm of a v1 request: the caller's own documents."""
    mine = base.Scope(user_id=ctx.user_id)
    return Realm(ctx.project_id, ctx.user_id, ctx.user_name, mine, mine,
                 False, ctx)


def project(ctx, project_id, all_projects=False):
    """Realm of a v2/v3 request on ``project_id`` (any project if
    ``all_projects``, which the API allows only where policy does).
    """
    owner = base.Scope(project_id=project_id)
    scope = base.ANY if all_projects else owner
    return Realm(project_id, ctx.user_id, ctx.user_name, scope, owner, True,
                 ctx)


def owner_fields(realm):
    """Owner fields stamped on every document the realm creates."""
    return {'user_id': realm.user_id, 'project_id': realm.project_id}
