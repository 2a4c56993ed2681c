from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "carewatch.web.panels"
    label = "panels"
    verbose_name = "Permanence and Entry to Care panels"
