from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def language_alternates(request):
    """The current page in each language: for the switcher, hreflang alternates and the canonical link."""
    current = get_language()
    alternates = []
    for code, name in settings.LANGUAGES:
        path = translate_url(request.path, code)
        # translate_url gives the path back unchanged when it cannot resolve it (e.g. on a 404 page).
        if code != current and path == request.path:
            path = "/" + code + "/"
        alternates.append({"code": code, "name": name, "path": path, "url": request.build_absolute_uri(path)})
    return {
        "language_alternates": alternates,
        "canonical_url": request.build_absolute_uri(request.path),
        "default_alternate_url": request.build_absolute_uri("/"),
    }
