"""Admin login lockouts that cannot be turned against staff (django-axes' database handler, one rule changed).

django-axes counts failures per lockout parameter and locks when the largest count reaches one limit. We
count two things with two limits: wrong passwords for one user name from one address (AXES_FAILURE_LIMIT)
and failures from one address whatever the user name (AXES_ADDRESS_FAILURE_LIMIT, larger: an office behind
one address may hold several people who mistype). Neither locks the account for someone elsewhere.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class PairAndAddressLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        # One queryset per entry of AXES_LOCKOUT_PARAMETERS: (user name, address), then address alone.
        pair_attempts, address_attempts = self.get_user_attempts(request, credentials)
        pair = failures(pair_attempts)
        if failures(address_attempts) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            # Reported on django-axes' scale, where reaching AXES_FAILURE_LIMIT means "locked".
            return max(pair, settings.AXES_FAILURE_LIMIT)
        return pair


def failures(attempts):
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
