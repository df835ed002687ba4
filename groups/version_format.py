"""How the history (groups/history.py) writes a version of a record: Django's JSON, plus the links its page
does not edit.

Django's serializer writes a record's own fields, its own many-to-many fields included (a document's groups,
an activity's documents). A link also has another end, whose deletion removes it: deleting a working group
takes it off its documents and drops its coordinators; deleting a document takes it off the activities that
link it. So a version of a working group also holds the ids of its documents and coordinators, and a version
of a document the ids of the activities that link it (``LINKS``), under ``"links"`` beside ``"fields"``, which
Django's deserializer ignores: the version reverts as any other, and groups/history.py links them again when
it brings a deleted record back.

Coordinators are kept here rather than as the group's field: who coordinates a group is access control, which
reverting its page must not change (groups/history.py).
"""

import json

from django.core.serializers.json import Deserializer  # noqa: F401 - the format's reading half, as Django's
from django.core.serializers.json import Serializer as JSONSerializer

FORMAT = "json_with_links"

# {model label: the relations whose links a version of its records holds, by the name of their accessor}:
# each app says so of its own models when it registers them with the history (groups/history.py).
LINKS = {}


def hold_links(model, names):
    """Have the versions of ``model``'s records hold their links through the relations ``names``."""
    if names:
        LINKS[model._meta.label_lower] = tuple(names)


def _relation(model, name):
    """(the other end's model, the lookup from it to ``model``'s records) of relation ``name``."""
    field = model._meta.get_field(name)
    if field.many_to_many and not field.auto_created:  # a many-to-many field of the model's own
        return field.related_model, field.related_query_name()
    return field.related_model, field.field.name  # the other end of another model's many-to-many field


def linked_ids(obj, name):
    """Ids of the records ``obj`` is linked to through relation ``name``, read from the database (not from a
    prefetched, maybe narrowed, cache)."""
    other, lookup = _relation(type(obj), name)
    return sorted(other._base_manager.filter(**{lookup: obj.pk}).values_list("pk", flat=True))


def stored_links(version):
    """{relation: [ids]} a version holds; empty for a version without links (other models, older versions)."""
    if version.format != FORMAT:
        return {}
    return json.loads(version.serialized_data)[0].get("links", {})


def link_again(obj, links):
    """Link ``obj`` again to the records of ``links`` ({relation: [ids]}) that still exist: a link to a record
    deleted since cannot come back."""
    for name, ids in links.items():
        other, _lookup = _relation(type(obj), name)
        getattr(obj, name).add(*other._base_manager.filter(pk__in=ids).values_list("pk", flat=True))


class Serializer(JSONSerializer):
    def get_dump_object(self, obj):
        data = super().get_dump_object(obj)
        names = LINKS.get(obj._meta.label_lower)
        if names:
            data["links"] = {name: linked_ids(obj, name) for name in names}
        return data
