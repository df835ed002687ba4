from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class SignInSecurityConfig(AxesAppConfig):
    """django-axes under a name staff understand, in their language (it has no verbose name of its own)."""

    verbose_name = _("Sign-in security")
