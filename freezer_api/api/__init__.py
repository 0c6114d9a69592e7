"""The HTTP layer: routes, resources, middleware, errors."""
