from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The members' portal (会员服务) under /portal/: member entrepreneurs sign in
    with their mobile and see and do what concerns them. It sits above members,
    casework, activities and politics and writes through their services."""

    name = "chamber.portal"
    verbose_name = _("Members' portal")

    def ready(self) -> None:
        from . import signals  # noqa: F401
