from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "chamber.casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        from chamber.members.importers.sheets import SheetKind, register_sheet
        from chamber.orgs.models import Organization

        from . import sheets

        register_sheet(
            SheetKind(
                name="visits",
                layout=sheets.VISIT_SHEET,
                target="org",
                run=lambda path, *, target, **kw: sheets.import_visit_sheet(
                    path, organization=target, **kw
                ),
                find_target=lambda code: Organization.objects.filter(code=code).first(),
            )
        )
