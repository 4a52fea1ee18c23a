from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "chamber.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import api_fields, checks  # noqa: F401  (checks registers the start-up checks)

        api_fields.install()
