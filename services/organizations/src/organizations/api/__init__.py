"""The registry's HTTP routes, one module per resource."""

from organizations.api import areas, imports, keys, members, organizations

routers = [areas.router, organizations.router, members.router, keys.router, imports.router]
