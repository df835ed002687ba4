from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.translation import get_language, override


def language_alternates(request):
    """The current page in each language: for the switcher, hreflang alternates and the canonical link."""
    current = get_language()
    alternates = []
    for code, name in settings.LANGUAGES:
        path = path_in_language(request, code)
        # The path comes back unchanged when no route has it (e.g. on a 404 page).
        if code != current and path == request.path:
            path = "/" + code + "/"
        alternates.append({"code": code, "name": name, "path": path, "url": request.build_absolute_uri(path)})
    return {
        "language_alternates": alternates,
        "canonical_url": request.build_absolute_uri(request.path),
        "default_alternate_url": request.build_absolute_uri("/"),
    }


def path_in_language(request, code):
    """What translate_url() gives, from the route the request already matched rather than resolving its
    address again (half the cost of the alternates on every page)."""
    match = request.resolver_match
    if match is None:
        return translate_url(request.path, code)
    if match.url_name is None:
        return request.path
    try:
        with override(code):
            return reverse(match.view_name, args=match.args, kwargs=match.kwargs)
    except NoReverseMatch:
        return request.path
