"""Keeping the stored search vectors (``search_es``, ``search_en``) of the models in groups/search.py's
``SEARCHED`` current: countries, working groups, documents and document files.

- Every save of one of those records, and every save and delete of a row whose text its vector holds (a
  group's objectives and activities), recomputes the record's vectors in the database, with one UPDATE from
  what it holds then, inside the transaction of the save. So a vector is current whatever order things are
  saved in: the admin saves a group, then its inlines one by one, and each save brings the group's vector up
  to date again; a revert or a fixture (raw saves) as well. A row moved to another record updates both.
- Nothing is computed per request: searches read the stored vectors (groups/search.py).
- Writes that send no signals (``bulk_create``, ``queryset.update()`` of searched texts) are followed by
  ``update_search_index()``, also `manage.py update_search_index`; a bulk load may run ``paused()`` first so
  that its saves do not compute what the rebuild will compute again (backups/services.py, a restore).
- Only on PostgreSQL: on SQLite the columns stay empty and the `make run` demo searches otherwise.
"""

import operator
import time
from contextlib import contextmanager
from contextvars import ContextVar
from functools import reduce

from django.apps import apps
from django.db import connection, connections
from django.db.models import BooleanField, F, Func, Q
from django.db.models.signals import post_delete, post_save, pre_save

from groups import search

BATCH_SIZE = 1000
_paused = ContextVar("search_index_paused", default=False)


def searched_models():
    return [apps.get_model(label) for label in search.SEARCHED]


def is_indexed(using):
    return connections[using].vendor == "postgresql"


def is_kept_current(using):
    return is_indexed(using) and not _paused.get()


@contextmanager
def paused():
    """Saves inside leave the vectors as they are: for a bulk load followed by ``update_search_index()``."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def update_vectors(records, only_changed=False):
    """Recompute the stored vectors of ``records`` (a queryset of one searched model); returns how many rows
    were written. ``only_changed`` writes only those whose vectors differ (computing them twice): a rebuild
    then leaves a table as it was instead of writing a new version of every row."""
    if not is_indexed(records.db):
        return 0
    vectors = search.stored_vectors(records.model)
    if only_changed:
        records = records.filter(
            reduce(operator.or_, (Q(IsDistinctFrom(F(field), vector)) for field, vector in vectors.items()))
        )
    return records.order_by().update(**vectors)


class IsDistinctFrom(Func):
    template = "%(expressions)s"
    arg_joiner = " IS DISTINCT FROM "
    output_field = BooleanField()


def update_search_index(progress=lambda message: None, batch_size=BATCH_SIZE):
    """Bring every stored vector up to date, ``batch_size`` records per UPDATE, reporting to ``progress`` as
    it goes and in one line at the end; returns {model's plural name: how many were written}."""
    if not is_indexed("default"):
        progress("The search index is PostgreSQL's: nothing to update on this database.")
        return {}
    started = time.monotonic()
    counts = {}
    for model in searched_models():
        name = str(model._meta.verbose_name_plural)
        pks = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
        counts[name] = 0
        for start in range(0, len(pks), batch_size):
            first, last = pks[start], pks[min(start + batch_size, len(pks)) - 1]
            batch = model._base_manager.filter(pk__gte=first, pk__lte=last)
            counts[name] += update_vectors(batch, only_changed=True)
            progress(f"{name}: {min(start + batch_size, len(pks))}/{len(pks)}")
        if counts[name] and not connection.in_atomic_block:
            # Fresh statistics for the planner, and the rows' old versions made reusable.
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    listed = ", ".join(f"{count} {name}" for name, count in counts.items())
    progress(f"Search index updated: {listed} in {time.monotonic() - started:.1f} s.")
    return counts


# --- Keeping them current --------------------------------------------------------------------------------


def related_texts():
    """[(the related rows' model, the field pointing to the searched record, the searched model)] of every
    stored text read from related rows."""
    found = set()
    for model in searched_models():
        for part in search.parts(model, next(iter(search.CONFIGURATIONS))):
            if part.related is not None and part.searched.weight:
                found.add((part.related, part.link, model))
    return sorted(found, key=lambda found: (found[0]._meta.label, found[1]))


def searched_fields(model):
    """The names of ``model``'s own fields its vectors hold (each language's, and the translated field's)."""
    own = [searched.path for searched in search.SEARCHED[model._meta.label] if "__" not in searched.path]
    return {*own, *(name for name in search.simple_fields(model) if "__" not in name)}


def record_saved(sender, instance, using, update_fields=None, **kwargs):
    if not is_kept_current(using):
        return
    if update_fields is not None and not set(update_fields) & searched_fields(sender):
        return  # e.g. only "updated_at"
    update_vectors(sender._base_manager.using(using).filter(pk=instance.pk))


class RelatedRowWatcher:
    """Updates the record a related row belongs to (and belonged to, when it moved) as the row changes."""

    def __init__(self, model, link, searched_model):
        self.model, self.searched_model = model, searched_model
        self.link = model._meta.get_field(link).attname
        self.moved_from = f"_search_index_{self.link}_before"

    def connect(self):
        uid = f"search-index-{self.model._meta.label}-{self.link}"
        pre_save.connect(self.before_save, sender=self.model, dispatch_uid=f"{uid}-pre", weak=False)
        post_save.connect(self.saved, sender=self.model, dispatch_uid=f"{uid}-post", weak=False)
        post_delete.connect(self.deleted, sender=self.model, dispatch_uid=f"{uid}-delete", weak=False)

    def before_save(self, sender, instance, using, **kwargs):
        if instance.pk is None or not is_kept_current(using):
            return
        before = sender._base_manager.using(using).filter(pk=instance.pk).values_list(self.link, flat=True)
        previous = before.first()
        if previous is not None and previous != getattr(instance, self.link):
            setattr(instance, self.moved_from, previous)

    def saved(self, sender, instance, using, **kwargs):
        if not is_kept_current(using):
            return
        owners = {getattr(instance, self.link), instance.__dict__.pop(self.moved_from, None)} - {None}
        update_vectors(self.searched_model._base_manager.using(using).filter(pk__in=owners))

    def deleted(self, sender, instance, using, **kwargs):
        if not is_kept_current(using):
            return
        owner = getattr(instance, self.link)
        update_vectors(self.searched_model._base_manager.using(using).filter(pk=owner))


def connect_signals():
    for model in searched_models():
        post_save.connect(record_saved, sender=model, dispatch_uid=f"search-index-{model._meta.label}")
    for model, link, searched_model in related_texts():
        RelatedRowWatcher(model, link, searched_model).connect()
