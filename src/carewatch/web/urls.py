from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LogoutView
from django.urls import include, path
from django.views.generic import RedirectView

from carewatch.web.accounts import sso
from carewatch.web.dashboard import annexa_views, indicator_edits, report_views, views
from carewatch.web.forecasting import views as forecast_views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("indicators/<str:kpi_id>/", views.indicator, name="indicator"),
    path("indicators/<str:kpi_id>/series.csv", views.indicator_csv, name="indicator_csv"),
    path("indicators/<str:kpi_id>/children.csv", views.indicator_children_csv, name="indicator_children_csv"),
    path("indicators/<str:kpi_id>/target/", indicator_edits.set_target, name="indicator_target"),
    path("indicators/<str:kpi_id>/commentary/", indicator_edits.set_commentary, name="indicator_commentary"),
    path("report/performance-summary.<str:fmt>", report_views.performance_summary, name="report"),
    path("annex-a/", annexa_views.annex_a_page, name="annex_a"),
    path("annex-a/annex-a.xlsx", annexa_views.annex_a_download, name="annex_a_download"),
    path("due/", views.due_list, name="due"),
    path("drift/", views.drift, name="drift"),
    path("due.csv", views.due_csv, name="due_csv"),
    path("health/", views.health, name="health"),
    # path: an id may contain "/" (sent as %2F, decoded before matching)
    path("children/<path:child>/", views.child, name="child"),
    path("data-quality/", views.data_quality, name="data_quality"),
    path("snapshots/", views.snapshots, name="snapshots"),
    path("audit/", views.audit_log, name="audit"),
    path("scrutiny/", include("carewatch.web.scrutiny.urls")),
    path("panels/", include("carewatch.web.panels.urls")),
    path("forecast/", forecast_views.forecast, name="forecast"),
    path("accounts/login/", views.Login.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("login/oidc/", sso.SignIn.as_view(), name="oidc_sign_in"),
    path("oidc/callback/", sso.Callback.as_view(), name="oidc_callback"),
    path("accounts/no-access/", sso.no_access, name="no_access"),
    path("admin/", admin.site.urls),
    # pages that link no icon (Django's admin) make browsers ask for /favicon.ico
    path("favicon.ico", login_not_required(RedirectView.as_view(url="/static/carewatch/favicon.svg", permanent=True))),
]

handler403 = views.forbidden
handler404 = views.not_found
handler500 = views.server_error
