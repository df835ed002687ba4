"""Django's JSON-lines serializer, with times kept to the microsecond.

Django's JSON encoder cuts datetimes to milliseconds, so a restored record showed "last updated" a few
microseconds off and the pages were no longer the same byte for byte. Registered as the "jsonl" format
(SERIALIZATION_MODULES), so dumpdata, loaddata and the backups all read and write the exact values; older
files with milliseconds still load.
"""

import datetime

from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(jsonl.Serializer):
    def _init_options(self):
        self.options.setdefault("cls", ExactJSONEncoder)
        super()._init_options()


Deserializer = jsonl.Deserializer
