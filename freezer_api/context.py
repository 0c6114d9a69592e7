"""The request context: who is calling, as auth_token (or noauth) says."""

from oslo_context import context


class RequestContext(context.RequestContext):
    """oslo.context's context; ``is_admin`` follows the admin role."""

    def __init__(self, **kwargs):
        roles = kwargs.get('roles') or []
        kwargs.setdefault('is_admin', 'admin' in roles)
        super().__init__(**kwargs)

    @property
    def is_service(self):
        return 'service' in self.roles

    def can_act_on_any_project(self):
        """Admins and services are not bound to their token's project."""
        return self.is_admin or self.is_service
