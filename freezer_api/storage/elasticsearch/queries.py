"""Pure builders of the query DSL the store sends.

Only ``term``, ``terms``, ``bool`` and ``range`` clauses on the envelope's
own fields (see ``mappings``) are ever built: search terms are opaque
strings made by ``storage.query``, so nothing a user sends becomes DSL.
"""

from freezer_api.storage.elasticsearch import mappings


def scope_filters(scope):
    """Return the filter clauses that keep a search inside ``scope``."""
    clauses = []
    if scope.project_id is not None:
        clauses.append({'term': {'project_id': scope.project_id}})
    if scope.user_id is not None:
        clauses.append({'term': {'user_id': scope.user_id}})
    return clauses


def search_query(scope, query):
    """Return the ``query`` clause for ``scope`` and a ``storage.query``
    ``Query`` (or None)."""
    filters = scope_filters(scope)
    must_not = []
    if query is not None:
        filters += [{'term': {'terms': t}} for t in query.must]
        if query.must_not:
            must_not.append({'terms': {'terms': list(query.must_not)}})
        bounds = {}
        if query.time_after is not None:
            bounds['gte'] = query.time_after
        if query.time_before is not None:
            bounds['lte'] = query.time_before
        if bounds:
            filters.append({'range': {'time_stamp': bounds}})
    if not filters and not must_not:
        return {'match_all': {}}
    clause = {}
    if filters:
        clause['filter'] = filters
    if must_not:
        clause['must_not'] = must_not
    return {'bool': clause}


def search_body(scope, query, size, offset=0, search_after=None,
                source=True):
    """Return a search request body: oldest first, ``size`` hits from
    ``offset``, after the sort values ``search_after`` when given."""
    body = {'query': search_query(scope, query),
            'sort': mappings.SORT,
            'from': offset,
            'size': size,
            'track_total_hits': False}
    if not source:
        body['_source'] = False
    if search_after is not None:
        body['search_after'] = list(search_after)
    return body
