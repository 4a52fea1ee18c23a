from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "chamber.members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from chamber.core.audit import register_display

        from .industry import industry_label

        # the trail shows an industry code with its name, as the pages do
        register_display("members.enterprise", "industry_section", industry_label)
        register_display("members.enterprise", "industry_division", lambda d: industry_label("", d))
