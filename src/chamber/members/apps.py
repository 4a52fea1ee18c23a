from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "chamber.members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from chamber.core.audit import register_display
        from chamber.core.models import SCOPED_SUBJECTS

        from .industry import industry_label
        from .models import Enterprise, Person

        # the trail shows an industry code with its name, as the pages do
        register_display("members.enterprise", "industry_section", industry_label)
        register_display("members.enterprise", "industry_division", lambda d: industry_label("", d))
        # entries naming no organisation are visible where their member is
        for model in (Enterprise, Person):
            if model not in SCOPED_SUBJECTS:
                SCOPED_SUBJECTS.append(model)
