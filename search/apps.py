from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """The site search: what visitors type in the header's search box, looked up in every public record.

    It knows the content apps (search/declarations.py); none of them knows it.
    """

    name = "search"
    verbose_name = _("Site search")

    def ready(self):
        from search import index

        # Every save that changes what a search finds rewrites the entries, in its own transaction.
        index.connect_signals()
        post_migrate.connect(
            index.rebuild_after_first_migration, sender=self, dispatch_uid="search.first-build"
        )
