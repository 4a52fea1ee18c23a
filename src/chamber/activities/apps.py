from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "chamber.activities"
    verbose_name = _("Activities")

    def ready(self) -> None:
        from chamber.members.importers.sheets import SheetKind, register_sheet

        from . import sheets
        from .models import Event

        register_sheet(
            SheetKind(
                name="sign-ins",
                layout=sheets.SIGN_IN_SHEET,
                target="event",
                run=lambda path, *, target, **kw: sheets.import_sign_in_sheet(
                    path, event=target, **kw
                ),
                find_target=lambda pk: (
                    Event.objects.filter(pk=int(pk)).first() if str(pk).isdigit() else None
                ),
            )
        )
