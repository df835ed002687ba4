"""What django-axes records about a sign-in attempt (settings: AXES_USERNAME_CALLABLE)."""

from django.conf import settings

# AccessAttempt.username (and the access logs' column) is 255 characters: a longer name, typed or forged, made
# the database refuse the record, a 500 instead of "wrong user name or password". No account has a name that
# long (Django's are at most 150), so the shortened name can only ever count failures, never unlock anyone.
RECORDED_USERNAME_LENGTH = 255


def attempted_username(request, credentials=None):
    """The user name of a sign-in attempt, as django-axes would read it, cut to fit its records."""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    if isinstance(username, str):
        return username[:RECORDED_USERNAME_LENGTH]
    return username
