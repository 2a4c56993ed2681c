from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "carewatch.web.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
