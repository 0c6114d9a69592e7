"""What every resource shares: the realm of the request, policy first,
then the body, then the document rules; and the responders of plain CRUD,
as mixins that each noun composes.

A resource serves one API version (``deps.api``), so that a route table can
map v1, v2 and v3 paths to instances of the same classes.
"""

from urllib import parse as urlparse

import falcon

from freezer_api.api import body as bodies
from freezer_api.api import microversion
from freezer_api.api import params
from freezer_api import exception
from freezer_api import lifecycle as lifecycles
from freezer_api.objects import merge_patch
from freezer_api.objects import realm as realms
from freezer_api.schemas import common
from freezer_api.schemas import validate

MERGE_PATCH = 'application/merge-patch+json'
#: Content-Types of a PATCH ('' is none, as upstream's clients send).
PATCH_MEDIA_TYPES = ('', falcon.MEDIA_JSON, MERGE_PATCH)

#: What an id given in the path of a replace must be.
_NEW_ID = {'type': 'object', 'properties': {'id': common.ID}}


class Deps:
    """What resources need: config, policy, document rules, store."""

    def __init__(self, conf, policy, documents, store, hooks,
                 lifecycle=None):
        self.conf = conf
        self.policy = policy
        self.documents = documents
        self.store = store
        self.hooks = hooks
        self.lifecycle = lifecycle or lifecycles.Lifecycle()
        self.max_body = conf.oslo_middleware.max_request_body_size


class Resource:
    """Base of every resource bound to a kind of document."""

    kind = None           # e.g. 'jobs'
    id_field = None       # e.g. 'job_id'
    rules = None          # the noun's ``policies.base.Crud`` rule names

    def __init__(self, deps, api):
        self.deps = deps
        self.api = api
        self.docs = deps.documents[self.kind] if self.kind else None

    def realm(self, req, rule, project_id=None, all_projects=False):
        """Authorize ``rule`` and return the caller's realm.

        Policy is checked before anything of the body is looked at.
        """
        ctx = req.context.ctx
        if self.api == 'v1':
            self.deps.policy.authorize(ctx, rule, ctx.project_id)
            return realms.v1(ctx)
        self.deps.policy.authorize(ctx, rule, project_id)
        if project_id != ctx.project_id and not ctx.can_act_on_any_project():
            raise exception.Forbidden(
                'Project %s is not the project of your token' % project_id,
                code='freezer.project.forbidden')
        return realms.project(ctx, project_id, all_projects)

    def body(self, req):
        return bodies.read_object(req, self.deps.max_body)

    def patch_body(self, req):
        """The body of a PATCH: a JSON merge (``application/json`` or no
        Content-Type, as upstream) or an RFC 7386 merge patch
        (``application/merge-patch+json``).

        :raises HTTPUnsupportedMediaType: any other Content-Type (415).
        """
        media = bodies.media_type(req)
        if media not in PATCH_MEDIA_TYPES:
            raise falcon.HTTPUnsupportedMediaType(
                title='Unsupported media type',
                description='A PATCH body is %s; not %s' % (
                    ' or '.join(t for t in PATCH_MEDIA_TYPES if t),
                    media[:80]))
        body = self.body(req)
        if media == MERGE_PATCH:
            return merge_patch.MergePatch(body)
        return body

    def shown(self, req, doc):
        """A document as the request's (micro)version shows it."""
        return doc


#: Lists take ``marker`` and link by it from this microversion.
MARKER_VERSION = '3.10'


def _next_link(req, dropped, **moved):
    """The ``next`` link: this request's query without ``dropped``, with
    ``moved`` (limit, and offset or marker) set.
    """
    query = {k: v for k, v in req.params.items() if k not in dropped}
    query.update(moved)
    return {'rel': 'next', 'href': '%s%s?%s' % (
        req.prefix, req.path, urlparse.urlencode(query, doseq=True))}


class List(Resource):
    #: Query parameters of the list; from 3.6 any other is a 400 (and
    #: ``marker`` from ``MARKER_VERSION``).
    list_params = ('limit', 'offset', 'search')

    def list_realm(self, req, project_id):
        return self.realm(req, self.rules.get_all, project_id)

    def on_get(self, req, resp, project_id=None):
        realm = self.list_realm(req, project_id)
        by_marker = microversion.wants(req, MARKER_VERSION)
        if microversion.wants(req, '3.6'):
            params.only(req, self.list_params + (
                ('marker',) if by_marker else ()))
        limit, offset = params.paging(req, self.deps.conf)
        marker = params.marker(req, offset) if by_marker else None
        found = self.docs.list(realm, params.search(req, self.deps.max_body),
                               limit, offset, marker)
        resp.media = {self.kind: [self.shown(req, doc) for doc in found]}
        # NOTE: a full page may be followed by more; a short one not.
        full = len(found) == limit
        if by_marker:
            # NOTE: Nova's and Cinder's shape (``servers_links``): the next
            # page starts after this page's last document.
            resp.media['%s_links' % self.kind] = [_next_link(
                req, ('offset', 'marker'), limit=limit,
                marker=found[-1][self.id_field])] if full else []
        elif microversion.wants(req, '3.4'):
            resp.media['links'] = [_next_link(
                req, ('offset',), limit=limit,
                offset=offset + limit)] if full else []


class Create(Resource):
    def created(self, req, resp, doc_id):
        """Answer 201 for a new document (``Location`` from 3.2)."""
        resp.status = falcon.HTTP_201
        resp.media = {self.id_field: doc_id}
        if microversion.wants(req, '3.2'):
            resp.location = '%s%s/%s' % (req.prefix, req.path,
                                         urlparse.quote(doc_id, safe=''))

    def on_post(self, req, resp, project_id=None):
        realm = self.realm(req, self.rules.create, project_id)
        self.created(req, resp, self.docs.create(realm, self.body(req)))


class Show(Resource):
    def on_get(self, req, resp, item_id, project_id=None):
        realm = self.realm(req, self.rules.get, project_id)
        resp.media = self.shown(req, self.docs.get(realm, item_id))


class Replace(Resource):
    def replace(self, req, item_id, project_id):
        """Replace (or create) the document at ``item_id``; its version.

        The id becomes the document's, so it must be one a create accepts.
        """
        realm = self.realm(req, self.rules.replace, project_id)
        body = self.body(req)
        validate.validate(_NEW_ID, {'id': item_id}, 'id in the path')
        return self.docs.replace(realm, item_id, body)

    def on_post(self, req, resp, item_id, project_id=None):
        version = self.replace(req, item_id, project_id)
        resp.status = falcon.HTTP_201
        resp.media = {self.id_field: item_id, 'version': version}

    @microversion.since('3.3')
    def on_put(self, req, resp, item_id, project_id=None):
        """PUT: the same replace, idempotent, answered 200 (from 3.3)."""
        version = self.replace(req, item_id, project_id)
        resp.media = {self.id_field: item_id, 'version': version}


class Update(Resource):
    def on_patch(self, req, resp, item_id, project_id=None):
        realm = self.realm(req, self.rules.update, project_id)
        version = self.docs.update(realm, item_id, self.patch_body(req))
        resp.media = {self.id_field: item_id, 'version': version}


class Delete(Resource):
    def on_delete(self, req, resp, item_id, project_id=None):
        realm = self.realm(req, self.rules.delete, project_id)
        self.docs.delete(realm, item_id)
        resp.status = falcon.HTTP_204
