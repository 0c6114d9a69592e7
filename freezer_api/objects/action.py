"""Actions: stored freezer_actions that jobs can be assembled from."""

from freezer_api.objects import documents
from freezer_api.schemas import action as schemas


class Actions(documents.Documents):
    kind = 'actions'
    id_field = 'action_id'
    create_schema = schemas.CREATE
    patch_schema = schemas.PATCH
