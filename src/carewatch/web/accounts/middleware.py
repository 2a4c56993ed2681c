from __future__ import annotations

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login

from carewatch.web.security import redact


class LoginRequired(LoginRequiredMiddleware):
    """Every page needs a signed-in user. The sign-in page is public, so its address never
    carries a child's page as the place to return to: those go back to the overview."""

    def handle_no_permission(self, request, view_func):
        path = request.get_full_path()
        back_to = path if redact(path) == path else "/"
        return redirect_to_login(back_to, self.get_login_url(view_func), self.get_redirect_field_name(view_func))
