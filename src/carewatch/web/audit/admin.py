from django.contrib import admin

from carewatch.web.audit.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """A model nobody edits in Django's admin (changes go where they are audited, or nowhere)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: an audit log nobody can edit."""
    list_display = ["at", "username", "role", "action", "what", "child", "rows", "snapshot_id", "allowed"]
    list_filter = ["action", "allowed", "role"]
    search_fields = ["username", "what", "child"]
