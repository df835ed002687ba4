from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from contacts.sitemaps import ContactDirectorySitemap
from documents.sitemaps import DocumentSitemap
from groups import views as group_views
from groups.admin_views import translation_status_view
from groups.sitemaps import CountrySitemap, StaticPageSitemap, WorkingGroupSitemap
from icwg_portal import views
from icwg_portal.media import serve_media
from opendata import api as opendata_api
from search import views as search_views

sitemaps = {
    "pages": StaticPageSitemap,
    "countries": CountrySitemap,
    "groups": WorkingGroupSitemap,
    "documents": DocumentSitemap,
    "contacts": ContactDirectorySitemap,
}

admin.site.site_header = _("ICWG Portal — back office")
admin.site.site_title = _("ICWG Portal back office")
admin.site.index_title = _("Content of the portal")

urlpatterns = [
    path(
        f"{settings.ADMIN_URL}translations/",
        admin.site.admin_view(translation_status_view),
        name="translation_status",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("language/<slug:language>/", views.switch_language, name="switch_language"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # The content as data, in every language by a parameter rather than a prefix (opendata/api.py).
    path("api/v1/", opendata_api.urls()),
    # Uploaded images, checked against their records: drafts' files stay private (icwg_portal/media.py).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", serve_media, name="media"),
    # An index of the sections' pages, each of at most 1,000 addresses (groups/sitemaps.py). Django's sitemap
    # says application/xml without a charset; every answer of the portal names its charset.
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": sitemaps, "content_type": "application/xml; charset=utf-8"},
        name="django.contrib.sitemaps.views.index",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap,
        {"sitemaps": sitemaps, "content_type": "application/xml; charset=utf-8"},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]

urlpatterns += i18n_patterns(
    path("", group_views.home, name="home"),
    path(_("about/"), group_views.about, name="about"),
    path(_("countries/"), include("groups.urls")),
    path(_("documents/"), include("documents.urls")),
    path(_("contacts/"), include("contacts.urls")),
    path(_("search/"), search_views.search, name="search"),
    path("", include("opendata.urls")),
    prefix_default_language=True,
)

handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error
