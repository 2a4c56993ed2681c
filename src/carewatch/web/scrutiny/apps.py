from django.apps import AppConfig


class ScrutinyConfig(AppConfig):
    name = "carewatch.web.scrutiny"
    label = "scrutiny"
    verbose_name = "Scrutiny tracker"
