"""Site-wide views that belong to no app: language switching, robots.txt and the error pages."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template import loader
from django.urls import reverse, translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, get_language_from_path, override
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


@require_GET
def switch_language(request, language):
    """Show the same page in another language and remember the choice.

    A plain link (GET), not Django's POST form: public pages then carry no CSRF token and can be cached.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if language not in LANGUAGE_CODES or not check_for_language(language):
        return HttpResponseRedirect(next_url)
    # Translated path segments resolve only in the language the page was shown in.
    with override(get_language_from_path(next_url) or language):
        target = translate_url(next_url, language)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    search_pages = []
    for code, _name in settings.LANGUAGES:
        with override(code):
            search_pages.append(reverse("search"))
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_URL}",
        "Disallow: /language/",
        "Disallow: /i18n/",
        # Search results are endless and thin: crawlers should follow the sitemap instead.
        *(f"Disallow: {path}" for path in search_pages),
        f"Sitemap: {request.build_absolute_uri(reverse('django.contrib.sitemaps.views.index'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def login_locked_out(request, credentials, *args, **kwargs):  # noqa: ARG001 - django-axes' signature
    """What django-axes shows after too many wrong passwords: the back office's layout and language."""
    from django.contrib import admin

    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    context = {**admin.site.each_context(request), "minutes": minutes, "title": ""}
    return render(request, "admin/locked_out.html", context, status=429)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def error_page(template_name, status, context=None):
    """An error page in the language LocaleMiddleware chose, in includes/error_layout.html.

    Rendered without the request, so no context processor runs: whatever made the request fail (a forged Host
    header that ``build_absolute_uri`` would refuse again, a lost database) must not fail here too.
    """
    return HttpResponse(loader.render_to_string(template_name, context), status=status)


def bad_request(request, exception):
    return error_page("400.html", 400)


def permission_denied(request, exception):
    return error_page("403.html", 403)


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check. ``reason`` is Django's technical English, for the log (which Django
    writes itself); the visitor is told in plain words what to do."""
    return error_page("403_csrf.html", 403)


def server_error(request):
    # Rendered with as little as possible: whatever failed (the database, a template) must not fail here too.
    try:
        return error_page("500.html", 500)
    except Exception:  # noqa: BLE001 - the last line of defence answers plainly
        return HttpResponse(
            "<!DOCTYPE html><title>Error</title><h1>Error 500</h1>"
            "<p>Sorry, something went wrong on our side. Please try again in a few minutes.</p>"
            "<p>Lo sentimos, algo falló en nuestro servidor. Vuelva a intentarlo en unos minutos.</p>",
            status=500,
        )
