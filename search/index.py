"""Keeping the search entries (search/models.py) current, as search/declarations.py declares them.

- Every save and delete of a searched record rewrites its entries, inside the transaction of the save, from
  what the database holds then (``reindex``): deleted, then written again if the record is public. So entries
  are current whatever order things are saved in (the admin saves a group, then its inlines one by one), for
  raw saves too (a revert, a fixture).
- A save or delete of a record others' entries show (``Depends``: a group, for its objectives) rewrites
  theirs as well: those related before the save and after it, so a membership moved to another organization
  updates both. When the declaration names the fields that matter, only a change to one of them does
  (a group's new image leaves its objectives' entries alone); the values before are read in ``pre_save``.
- Nothing is computed per request: searches read the entries (search/queries.py).
- Writes that send no signals (``bulk_create``, ``queryset.update()``) are followed by ``rebuild()``, also
  `manage.py update_search_index`; a bulk load may run ``paused()`` so that its saves leave the entries to it
  (backups/services.py, a restore).
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections, transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from search.declarations import DECLARATIONS
from search.models import Entry
from search.queries import engine_for

_paused = ContextVar("search_index_paused", default=False)
BEFORE = "_search_index_before"  # set on an instance between its pre_ and post_ signals


@contextmanager
def paused():
    """Saves inside leave the entries as they are: for a bulk load followed by ``rebuild()``."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def reindex(declaration, pks, using="default"):
    """Rewrite the entries of ``declaration``'s records ``pks``: those that are public get theirs anew, the
    others (unpublished, deleted) none. Returns how many were written."""
    pks = list(pks)
    if not pks:
        return 0
    with transaction.atomic(using=using):
        Entry.objects.using(using).filter(**declaration.entries_of(pks)).delete()
        records = declaration.public().using(using).filter(pk__in=pks)
        built = [declaration.entry(record) for record in records]
        if built:
            engine_for(using).add(built)
    return len(built)


def rebuild(progress=lambda message: None, using="default"):
    """Write every entry again, from nothing, in one transaction (searches see the previous entries until it
    commits), reporting to ``progress`` as it goes and in one line at the end; returns {kind's plural name:
    how many records were indexed}."""
    started = time.monotonic()
    counts = {}
    with transaction.atomic(using=using):
        Entry.objects.using(using).all().delete()
        for declaration in DECLARATIONS:
            pks = list(declaration.public().using(using).order_by("pk").values_list("pk", flat=True))
            name = declaration.label
            counts[name] = 0
            for start in range(0, len(pks), declaration.batch_size):
                counts[name] += reindex(declaration, pks[start : start + declaration.batch_size], using)
                progress(f"{name}: {min(start + declaration.batch_size, len(pks))}/{len(pks)}")
    connection = connections[using]
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Fresh statistics for the planner, and the old rows' space made reusable.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(Entry._meta.db_table)}")
    listed = ", ".join(f"{count} {name}" for name, count in counts.items())
    progress(f"Search index rebuilt: {listed} in {time.monotonic() - started:.1f} s.")
    return counts


def rebuild_after_first_migration(sender, using, plan=None, **kwargs):
    """The migration that creates the index leaves it empty: filled once the database is migrated, so that
    an installation upgraded to it finds its content (a new one has none yet)."""
    if any(
        migration.app_label == "search" and migration.name == "0001_initial" and not backwards
        for migration, backwards in plan or ()
    ):
        rebuild(using=using)


# --- Keeping them current ----------------------------------------------------------------------------------


def columns(model, names):
    """The columns of ``model``'s fields ``names``: each language's of a translated one, a key's id."""
    found = []
    for name in names:
        field = model._meta.get_field(name)
        translated = getattr(field, "translated_field", None)  # modeltranslation's own columns
        localized = [
            f.attname for f in model._meta.concrete_fields if getattr(f, "translated_field", None) is field
        ]
        found += localized if localized and translated is None else [field.attname]
    return found


def field_names(model, update_fields):
    """The names of the fields ``update_fields`` writes (a translated field's for its columns), or None."""
    if update_fields is None:
        return None
    names = set()
    for name in update_fields:
        field = model._meta.get_field(name)
        names.add(getattr(field, "translated_field", field).name)
    return names


class Watch:
    """The signal receivers of one model: its own declarations' entries, and those of the declarations that
    depend on it."""

    def __init__(self, model):
        self.model = model
        self.own = [declaration for declaration in DECLARATIONS if declaration.model is model]
        self.dependents = [
            (declaration, depends)
            for declaration in DECLARATIONS
            for depends in declaration.depends_on
            if depends.model is model
        ]
        self.columns = {
            depends: columns(model, depends.fields) for _d, depends in self.dependents if depends.fields
        }

    def connect(self):
        uid = f"search-index-{self.model._meta.label}"
        pre_save.connect(self.before_save, sender=self.model, dispatch_uid=f"{uid}-pre-save", weak=False)
        post_save.connect(self.saved, sender=self.model, dispatch_uid=f"{uid}-save", weak=False)
        pre_delete.connect(
            self.before_delete, sender=self.model, dispatch_uid=f"{uid}-pre-delete", weak=False
        )
        post_delete.connect(self.deleted, sender=self.model, dispatch_uid=f"{uid}-delete", weak=False)

    def related(self, declaration, depends, pk, using):
        return set(
            declaration.model._base_manager.using(using)
            .filter(**{depends.path: pk})
            .values_list("pk", flat=True)
        )

    def before_save(self, sender, instance, using, update_fields=None, **kwargs):
        """Which dependents this save may change, and their records related to the instance before it."""
        if _paused.get() or not self.dependents:
            return
        changed = [
            (declaration, depends)
            for declaration, depends in self.dependents
            if self.matters(depends, update_fields)
        ]
        if instance.pk is not None and changed:
            wanted = sorted(
                {column for _d, depends in changed if depends.fields for column in self.columns[depends]}
            )
            stored = (
                sender._base_manager.using(using).filter(pk=instance.pk).values(*wanted).first()
                if wanted
                else {}
            )
            if stored is not None:
                changed = [
                    (declaration, depends)
                    for declaration, depends in changed
                    if not depends.fields
                    or any(stored[c] != getattr(instance, c) for c in self.columns[depends])
                ]
                instance.__dict__[BEFORE] = {
                    (declaration, depends): self.related(declaration, depends, instance.pk, using)
                    for declaration, depends in changed
                }
                return
        instance.__dict__[BEFORE] = {key: set() for key in changed}

    def matters(self, depends, update_fields):
        names = field_names(self.model, update_fields)
        return names is None or not depends.fields or bool(names & set(depends.fields))

    def saved(self, sender, instance, using, update_fields=None, **kwargs):
        if _paused.get():
            return
        names = field_names(sender, update_fields)
        for declaration in self.own:
            if names is None or names & declaration.fields:
                reindex(declaration, [instance.pk], using)
        before = instance.__dict__.pop(BEFORE, {})
        self.update_dependents(before, instance.pk, using, after=True)

    def before_delete(self, sender, instance, using, **kwargs):
        if _paused.get():
            return
        instance.__dict__[BEFORE] = {
            (declaration, depends): self.related(declaration, depends, instance.pk, using)
            for declaration, depends in self.dependents
        }

    def deleted(self, sender, instance, using, **kwargs):
        if _paused.get():
            return
        for declaration in self.own:
            Entry.objects.using(using).filter(**declaration.entries_of([instance.pk])).delete()
        self.update_dependents(instance.__dict__.pop(BEFORE, {}), instance.pk, using, after=False)

    def update_dependents(self, before, pk, using, after):
        """Rewrite the entries of the records related to the instance before (and, after a save, after)."""
        affected = {}
        for (declaration, depends), pks in before.items():
            if after:
                pks = pks | self.related(declaration, depends, pk, using)
            affected.setdefault(declaration, set()).update(pks)
        for declaration, pks in affected.items():
            reindex(declaration, sorted(pks), using)


def connect_signals():
    models = {declaration.model for declaration in DECLARATIONS}
    models |= {depends.model for declaration in DECLARATIONS for depends in declaration.depends_on}
    for model in sorted(models, key=lambda model: model._meta.label):
        Watch(model).connect()
