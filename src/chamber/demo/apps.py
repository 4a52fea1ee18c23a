from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo federation. It sits above every domain app and imports from them."""

    name = "chamber.demo"
    verbose_name = "Demo"
