from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chamber.core"
    verbose_name = "Core"
