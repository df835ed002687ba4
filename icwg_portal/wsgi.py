import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icwg_portal.settings")

from icwg_portal.page_cache import StoredPageApplication  # noqa: E402  (after the settings are named)

# A stored page for an anonymous visitor is answered before Django handles the request (page_cache.py).
application = StoredPageApplication(get_wsgi_application())
