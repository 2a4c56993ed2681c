from django.apps import AppConfig


class ForecastingConfig(AppConfig):
    name = "carewatch.web.forecasting"
    label = "forecasting"
    verbose_name = "Forecast scenarios"
