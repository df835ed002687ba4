"""Back-office pages that are not a model's change list."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from groups.roles import edits_every_group
from groups.translation_status import LANGUAGES, translation_status


def translation_status_view(request):
    """For the secretariat: how much of the content exists in each language, and what still waits."""
    if not edits_every_group(request.user):
        raise PermissionDenied
    report = translation_status()
    context = {
        **admin.site.each_context(request),
        "title": _("How complete are the translations?"),
        "report": report,
        "languages": LANGUAGES,
    }
    return render(request, "admin/translation_status.html", context)
