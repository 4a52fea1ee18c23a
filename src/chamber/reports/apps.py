from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "chamber.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from chamber.core.queue import register_schedule

        from . import store
        from .tasks import every_minute

        store.connect()
        register_schedule("reports.refresh", "chamber.reports.tasks.refresh_figures", every_minute)
