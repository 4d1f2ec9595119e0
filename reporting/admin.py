"""The reporting app's admin lives in its feature packages; importing them registers it."""

from .activities import admin as activities_admin  # noqa: F401, E402 - issue #16
from .incidents import admin as incidents_admin  # noqa: F401
from .monthly import admin as monthly_admin  # noqa: F401
from .orders import admin as orders_admin  # noqa: F401 - issue #18
