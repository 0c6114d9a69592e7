"""Options of oslo.middleware used by the API (request body size, proxy)."""

from oslo_middleware import opts


def list_opts():
    return opts.list_opts_sizelimit() + opts.list_opts_http_proxy_to_wsgi()


def register_opts(conf):
    for group, group_opts in list_opts():
        conf.register_opts(group_opts, group=group)
