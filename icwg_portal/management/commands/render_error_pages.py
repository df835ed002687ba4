"""Static copies of the error pages nginx answers by itself, when a request never reaches the portal."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template import loader
from django.utils import translation

# File name stem → template and context, rendered once per language as STEM.LANGUAGE.html.
PAGES = {
    # nginx refuses a request it cannot read (a NUL byte, a malformed header) or an address or header
    # longer than large_client_header_buffers.
    "400": ("400.html", dict),
    # nginx refuses a body over client_max_body_size, which must equal MAX_REQUEST_BYTES.
    "413": ("413.html", lambda: {"limit": settings.MAX_REQUEST_BYTES}),
    # nginx shows it for 502, 503 and 504: the app servers are not answering (restarting, overloaded).
    "502": ("502.html", dict),
}


class Command(BaseCommand):
    help = (
        "Write the error pages nginx serves itself (400, 413 and 502, as 400.es.html, 400.en.html…) "
        "into DIRECTORY, from the portal's templates. Run it after collectstatic: the pages link the "
        "stylesheet by its collected name."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="where to write the pages (created if missing)")

    def handle(self, *args, directory, **options):
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for stem, (template_name, context) in PAGES.items():
                    try:
                        html = loader.render_to_string(template_name, context())
                    except ValueError as error:  # the manifest storage has not collected the stylesheet
                        raise CommandError(f"{error} (run `manage.py collectstatic` first)") from error
                    path = directory / f"{stem}.{language}.html"
                    # Replaced in one step: nginx may be serving the previous copy meanwhile.
                    partial = path.with_name(path.name + ".partial")
                    partial.write_text(html, encoding="utf-8")
                    partial.replace(path)
                    written.append(path.name)
        self.stdout.write(f"Wrote {len(written)} error pages to {directory}: {', '.join(sorted(written))}")
