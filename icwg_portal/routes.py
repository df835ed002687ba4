"""Addresses of routes whose arguments are slugs, without a ``reverse()`` for every item of a list.

``reverse()`` looks the route up, converts and checks each argument and quotes the result: 15-30 µs, for
each group, document and file a page links to. Such an address differs only by its slugs, which
``reverse()`` writes in as they are, so ``SlugRoute`` reverses the route once with stand-ins, for each
language, script prefix and URLconf (what the address depends on), and then fills the slugs in. A value that
is not a plain slug goes through ``reverse()``, which refuses it as before.
"""

import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# What Django's slug converter accepts: characters reverse() leaves unchanged in an address.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class SlugRoute:
    """``SlugRoute("documents:detail")(slug="informe")`` is ``reverse("documents:detail", kwargs=…)``."""

    def __init__(self, viewname):
        self.viewname = viewname
        self.patterns = {}

    def __call__(self, **slugs):
        if not all(isinstance(value, str) and SLUG.fullmatch(value) for value in slugs.values()):
            return reverse(self.viewname, kwargs=slugs)
        return self.pattern(tuple(slugs)).format_map(slugs)

    def pattern(self, names):
        """The address with a ``{name}`` field for each slug, e.g. "/es/documentos/{slug}/"."""
        key = (get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, names)
        pattern = self.patterns.get(key)
        if pattern is None:
            # Stand-ins that are slugs themselves, and that no fixed part of an address contains. reverse()
            # quotes braces, so the only fields in the pattern are the ones put there.
            pattern = reverse(self.viewname, kwargs={name: f"__{name}__" for name in names})
            for name in names:
                pattern = pattern.replace(f"__{name}__", f"{{{name}}}")
            self.patterns[key] = pattern
        return pattern
