from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from icwg_portal import images, page_cache, uploads


class PortalConfig(AppConfig):
    """The portal's site-wide pieces that need an app: ``manage.py render_error_pages``, upload parsing,
    images opened with our own pixel limit, the page cache's watch on content changes."""

    name = "icwg_portal"

    def ready(self):
        uploads.allow_long_part_headers()
        images.use_our_pixel_limit()
        page_cache.connect_content_signals()


class SignInSecurityConfig(AxesAppConfig):
    """django-axes under a name staff understand, in their language (it has no verbose name of its own)."""

    verbose_name = _("Sign-in security")
