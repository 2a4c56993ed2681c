from django.contrib import admin

from carewatch.web.audit.admin import ReadOnlyAdmin
from carewatch.web.indicators.models import Commentary, Target


# read-only here: targets and commentary change on the indicator page, which audits each change
@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ["kpi_id", "value", "changed_by", "changed_at"]


@admin.register(Commentary)
class CommentaryAdmin(ReadOnlyAdmin):
    list_display = ["kpi_id", "period_end", "author", "written_at", "text"]
    search_fields = ["kpi_id", "text"]
