from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "chamber.returns"
    verbose_name = _("Statistical returns")
