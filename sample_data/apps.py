from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SampleDataConfig(AppConfig):
    name = "sample_data"
    verbose_name = _("Sample data")
