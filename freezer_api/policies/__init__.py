"""Policy rules in code, one module per noun; upstream's rule names."""

import itertools

from freezer_api.policies import action
from freezer_api.policies import backup
from freezer_api.policies import base
from freezer_api.policies import client
from freezer_api.policies import cluster
from freezer_api.policies import job
from freezer_api.policies import session
from freezer_api.policies import status


def list_rules():
    """Every default rule, for the enforcer and the sample generator."""
    return list(itertools.chain(
        base.list_rules(), backup.list_rules(), client.list_rules(),
        job.list_rules(), action.list_rules(), session.list_rules(),
        cluster.list_rules(), status.list_rules()))
