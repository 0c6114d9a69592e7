"""Options of oslo.middleware used by the API (request body size, proxy).

They are oslo.middleware's own options (``[oslo_middleware]
max_request_body_size`` of its sizelimit middleware and
``enable_proxy_headers_parsing`` of HTTPProxyToWSGI), declared here as the
library declares them instead of imported from ``oslo_middleware.opts``.
"""

from oslo_config import cfg

# NOTE: importing any module of oslo_middleware runs the package's
# __init__, which imports every middleware it ships (webob, jinja2,
# bcrypt): about 4 MiB in every worker process for two options. The copies
# must stay equal to the library's (tests/unit/test_imports.py checks it):
# when proxy parsing is enabled, HTTPProxyToWSGI registers its own, and
# oslo.config accepts that only for an identical option.
GROUP = 'oslo_middleware'

SIZELIMIT_OPTS = [
    cfg.IntOpt('max_request_body_size', default=114688,
               help='The maximum body size for each request, in bytes.'),
]

HTTP_PROXY_TO_WSGI_OPTS = [
    cfg.BoolOpt('enable_proxy_headers_parsing', default=False,
                help='Whether the application is behind a proxy or not. '
                     'This determines if the middleware should parse the '
                     'headers or not.'),
]


def list_opts():
    return [(GROUP, SIZELIMIT_OPTS), (GROUP, HTTP_PROXY_TO_WSGI_OPTS)]


def register_opts(conf):
    for group, group_opts in list_opts():
        conf.register_opts(group_opts, group=group)
