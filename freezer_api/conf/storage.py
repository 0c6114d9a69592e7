"""Options of the [storage] group: which document store to use."""

from oslo_config import cfg

GROUP = 'storage'

OPTS = [
    cfg.StrOpt('driver', default='sqlalchemy',
               choices=['sqlalchemy', 'elasticsearch'],
               help='Storage driver.'),
    cfg.StrOpt('backend', default=None,
               help='Name of the configuration section holding the '
                    "driver's options: [database] for sqlalchemy, "
                    '[elasticsearch] for elasticsearch when unset.'),
]


def register_opts(conf):
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return [(GROUP, OPTS)]
