from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "carewatch.web.indicators"
    label = "indicators"
    verbose_name = "Targets and commentary"
