from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from safety.sso import views as sso_views

admin.site.site_header = _("SafeCampus administration")
admin.site.site_title = _("SafeCampus")
admin.site.index_title = _("Administration")

urlpatterns = [
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (admin, error pages).
    # Lazy: the static URL carries the manifest's hash, known only once settings are loaded.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static, str)("img/favicon.ico"), permanent=False),
        name="favicon",
    ),
    # #21: the login form with the identity platform's button, and a sign-out that ends the
    # platform's session too (safety/sso/).
    path("accounts/login/", sso_views.sign_in, name="login"),
    path("accounts/logout/", sso_views.sign_out, name="logout"),
    path("accounts/sso/", include("safety.sso.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # #22 operations: /health/ for load balancers (public, reveals nothing).
    path("", include("safety.operations.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),  # #22 the REST API (docs/api.md)
    path("", include("inspections.urls")),
    path("", include("reporting.incidents.urls")),
    path("monthly/", include("reporting.monthly.urls")),
    path("", include("reporting.dashboards.urls")),
    path("responsibility/", include("safety.responsibility.urls")),
    # Emergency preparedness (issue #14)
    path("preparedness/", include("safety.preparedness.urls")),
    path("", include("safety.urls")),
    # Bureau supervision (issue #18).
    path("campaigns/", include("inspections.campaigns.urls")),
    path("notices/", include("reporting.notices.urls")),
    path("orders/", include("reporting.orders.urls")),
    path("assessment/", include("reporting.assessment.urls")),  # issue #19
    path("activities/", include("reporting.activities.urls")),  # issue #16
    # Daily guarding (issue #15).
    path("guarding/", include("safety.guarding.urls")),
    # #17 education and surroundings
    path("education/", include("safety.education.urls")),
    # #21 delivery channels
    path("channels/", include("safety.channels.urls")),
    path("surroundings/", include("inspections.surroundings.urls")),
    path("risks/", include("inspections.risks.urls")),  # #20 risk grading
]
