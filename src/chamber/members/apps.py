from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "chamber.members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from chamber.core.models import SCOPED_SUBJECTS

        from .models import Enterprise, Person

        for model in (Enterprise, Person):
            if model not in SCOPED_SUBJECTS:
                SCOPED_SUBJECTS.append(model)
