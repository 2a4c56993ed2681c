from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "carewatch.web.audit"
    label = "audit"
    verbose_name = "Audit log"
