from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "chamber.notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from chamber.core import notices

        from . import schedules, services

        notices.happened.connect(services.on_event, dispatch_uid="chamber.notify")
        schedules.register()
