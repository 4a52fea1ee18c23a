from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class DemoPasswordValidator:
    """The demo password is for the demo accounts only, which `chamber demo` sets
    without validation; nobody can choose it for a real account."""

    def validate(self, password, user=None):
        if password == settings.CHAMBER_DEMO_PASSWORD:
            raise ValidationError(_("This password is reserved for the demo."), code="demo")

    def get_help_text(self):
        return _("Your password cannot be the demo password.")
