from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from carewatch.web.accounts.models import Profile, Team


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    filter_horizontal = ["teams"]


class UserWithRoleAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "role", "is_active", "last_login"]

    @admin.display(description="role")
    def role(self, user):
        return "admin" if user.is_superuser else getattr(getattr(user, "profile", None), "role", "member")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    search_fields = ["name"]


admin.site.unregister(User)
admin.site.register(User, UserWithRoleAdmin)
admin.site.site_header = "carewatch administration"
