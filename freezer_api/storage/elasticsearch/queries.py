"""Pure builders of the query DSL the store sends.

Only ``term``, ``terms``, ``bool`` and ``range`` clauses on the envelope's
own fields (see ``mappings``) are ever built: search terms are opaque
strings made by ``storage.query``, so nothing a user sends becomes DSL.
"""

from freezer_api.storage.elasticsearch import mappings


def owner_filters(owner):
    """Return the filter clauses that keep a search to ``owner`` (an
    owner key; None: every owner).
    """
    return [] if owner is None else [{'term': {'owner': owner}}]


def search_query(owner, query):
    """Return the ``query`` clause for ``owner`` (see ``owner_filters``)
    and a ``storage.query`` ``Query`` (or None).
    """
    filters = owner_filters(owner)
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


def search_body(owner, query, size, offset=0, search_after=None,
                source=True):
    """Return a search request body for ``owner``'s documents (every
    owner's for None): oldest first, ``size`` hits from ``offset``, after
    the sort values ``search_after`` when given.
    """
    body = {'query': search_query(owner, query),
            'sort': mappings.SORT,
            'from': offset,
            'size': size,
            'track_total_hits': False}
    if not source:
        body['_source'] = False
    if search_after is not None:
        body['search_after'] = list(search_after)
    return body


def positions_body(doc_id):
    """Return a search request body for the sort fields of at most two
    entries of id ``doc_id``, of every owner.
    """
    return {'query': {'bool': {'filter': [{'term': {'doc_id': doc_id}}]}},
            '_source': list(mappings.SORT_FIELDS),
            'size': 2,
            'track_total_hits': False}
