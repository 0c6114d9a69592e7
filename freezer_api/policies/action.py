"""Rules of actions (reusable freezer_action definitions)."""

from freezer_api.policies import base


def list_rules():
    return base.crud_rules('action', 'actions',
                           base.ADMIN_OR_READER_OR_SERVICE,
                           base.ADMIN_OR_OWNER)
