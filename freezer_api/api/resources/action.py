"""/actions: stored freezer actions."""

from freezer_api.api.resources import base
from freezer_api.policies import action as action_rules


class _Actions:
    kind = 'actions'
    rules = action_rules.CRUD
    id_field = 'action_id'


class Collection(_Actions, base.List, base.Create):
    pass


class Item(_Actions, base.Show, base.Replace, base.Update, base.Delete):
    pass
