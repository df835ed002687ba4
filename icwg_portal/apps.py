from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from icwg_portal import images, uploads


class PortalConfig(AppConfig):
    """The portal's site-wide pieces that need an app: ``manage.py render_error_pages``, upload parsing,
    images opened with our own pixel limit."""

    name = "icwg_portal"

    def ready(self):
        uploads.allow_long_part_headers()
        images.use_our_pixel_limit()


class SignInSecurityConfig(AxesAppConfig):
    """django-axes under a name staff understand, in their language (it has no verbose name of its own)."""

    verbose_name = _("Sign-in security")
