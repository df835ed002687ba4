"""Two staff members on one record: the second save is refused, never silently written over the first.

When an admin change page is shown, it carries a token: a digest of the record and of every inline row the
page edits (their fields and many-to-many links), as that staff member sees them. Saving compares it with
the same digest taken again, inside the saving transaction with the record's row locked (so two saves at
the same instant are also told apart). If they differ, someone else saved in between: nothing is written,
and the same form comes back with everything typed, inlines included, and a message at the top saying who
changed what and when (from the history of changes), with a link to see their version. The form then
carries the new token: saving again, on purpose, puts this staff member's version over theirs.

What was shown is kept in the cache under its token (8 hours, a working day), to say *what* changed; if the
cache has forgotten it, the message still says who and when.
"""

import hashlib
import json

from django.apps import apps
from django.conf import settings
from django.contrib.admin.utils import unquote
from django.core.cache import cache
from django.db import router, transaction
from django.db.models import prefetch_related_objects
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reversion.models import Version

from icwg_portal.media_store import refusing_to_save

TOKEN_FIELD = "_edit_token"
_CONFLICT = "_icwg_edit_conflict"
SNAPSHOT_SECONDS = 8 * 3600
LANGUAGE_SUFFIXES = tuple(f"_{code}" for code, _name in settings.LANGUAGES)
INLINE_CHANGES = {
    "changed": lambda n: ngettext("%(n)d changed", "%(n)d changed", n) % {"n": n},
    "added": lambda n: ngettext("%(n)d added", "%(n)d added", n) % {"n": n},
    "removed": lambda n: ngettext("%(n)d removed", "%(n)d removed", n) % {"n": n},
}


def fields_of(instance):
    """Every value a save could change, as text, with many-to-many links as sorted ids."""
    values = {
        # Empty is empty: a save writes "" where the database held NULL (modeltranslation's columns).
        field.attname: ""
        if field.value_from_object(instance) in (None, "")
        else field.value_to_string(instance)
        for field in instance._meta.concrete_fields
        # Not what staff edit: timestamps, and values the database derives (the stored search vectors).
        if not getattr(field, "auto_now", False) and (field.serialize or field.primary_key)
    }
    for field in instance._meta.many_to_many:
        values[field.name] = sorted(
            str(pk) for pk in (related.pk for related in getattr(instance, field.name).all())
        )
    return values


def snapshot(model_admin, request, obj):
    """What the change page of ``obj`` edits, as this staff member sees it."""
    record = (
        type(obj)._default_manager.prefetch_related(*(f.name for f in obj._meta.many_to_many)).get(pk=obj.pk)
    )
    inlines = {}
    for formset_class, inline in model_admin.get_formsets_with_inlines(request, obj):
        model = formset_class.model
        rows = (
            inline.get_queryset(request)
            .filter(**{formset_class.fk.name: obj})
            .prefetch_related(*(f.name for f in model._meta.many_to_many))
            .order_by("pk")
        )
        inlines[model._meta.label] = {str(row.pk): fields_of(row) for row in rows}
    return {"record": fields_of(record), "inlines": inlines}


def snapshot_of_page(obj, inline_admin_formsets):
    """The same as ``snapshot``, from the rows the change page has just loaded: one query per many-to-many
    field of an inline, however many rows (the page's own querysets may prefetch them differently)."""
    inlines = {}
    for inline in inline_admin_formsets:
        model = inline.formset.model
        rows = list(inline.formset.get_queryset())
        prefetch_related_objects(rows, *(field.name for field in model._meta.many_to_many))
        inlines[model._meta.label] = {str(row.pk): fields_of(row) for row in rows}
    return {"record": fields_of(obj), "inlines": inlines}


def token_of(state):
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def remember(state):
    token = token_of(state)
    cache.set(f"edit-snapshot:{token}", state, SNAPSHOT_SECONDS)
    return token


def what_changed(before, after, model):
    """Names of what differs between two snapshots, in the staff member's language."""
    if before is None:
        return []
    changed = []
    translated = {name.rsplit("_", 1)[0] for name in after["record"] if name.endswith(LANGUAGE_SUFFIXES)}
    for name, value in after["record"].items():
        # A translated field's base column only mirrors its languages', which are named instead.
        if name in translated:
            continue
        if before["record"].get(name) != value:
            field = next((f for f in model._meta.get_fields() if getattr(f, "attname", f.name) == name), None)
            changed.append(capfirst(str(field.verbose_name)) if field is not None else name)
    for label, rows in after["inlines"].items():
        old = before["inlines"].get(label, {})
        common = set(rows) & set(old)
        counts = [
            (sum(1 for pk in common if rows[pk] != old[pk]), "changed"),
            (len(set(rows) - set(old)), "added"),
            (len(set(old) - set(rows)), "removed"),
        ]
        parts = [INLINE_CHANGES[kind](count) for count, kind in counts if count]
        if parts:
            name = capfirst(str(apps.get_model(label)._meta.verbose_name_plural))
            changed.append(f"{name} ({', '.join(parts)})")
    return changed


def latest_revision(obj):
    version = Version.objects.get_for_object(obj).select_related("revision__user").first()
    return version.revision if version else None


class EditConflictAdminMixin:
    """On every admin page that changes a record: refuse a save over a colleague's save made meanwhile."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method != "POST" or "_saveasnew" in request.POST:
            return super().change_view(request, object_id, form_url, extra_context)
        with transaction.atomic(using=router.db_for_write(self.model)):
            # The record's row stays locked until this save commits: a colleague's save waits, then sees it.
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                rows = self.model._default_manager.select_related(None).order_by().select_for_update()
                rows = rows.filter(pk=obj.pk)
                list(rows.values_list("pk"))
            if obj is not None and self.has_change_permission(request, obj):
                current = snapshot(self, request, obj)
                posted = request.POST.get(TOKEN_FIELD, "")
                # No token: a form from before this check existed, or a script: nothing to compare with.
                if posted and posted != token_of(current):
                    before = cache.get(f"edit-snapshot:{posted}")
                    return self.refuse_conflicting_save(
                        request, object_id, obj, before, current, form_url, extra_context
                    )
            return super().change_view(request, object_id, form_url, extra_context)

    def refuse_conflicting_save(self, request, object_id, obj, before, current, form_url, extra_context):
        revision = latest_revision(obj)
        who = (
            (revision.user.get_full_name() or revision.user.get_username())
            if revision and revision.user
            else None
        )
        when = timezone.localtime(revision.date_created) if revision else None
        changed = what_changed(before, current, self.model)
        parts = []
        if who and when:
            parts.append(
                _("%(who)s saved this page on %(date)s at %(time)s, after you opened it")
                % {
                    "who": who,
                    "date": formats.date_format(when, "DATE_FORMAT"),
                    "time": formats.time_format(when, "TIME_FORMAT"),
                }
            )
        else:
            parts.append(_("Someone saved this page after you opened it"))
        if changed:
            parts.append(_("they changed: %(what)s") % {"what": ", ".join(changed)})
        try:
            history = reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_history", args=[obj.pk]
            )
        except NoReverseMatch:
            history = ""
        message = format_html(
            '{}. {} <a href="{}">{}</a> {}',
            "; ".join(parts),
            _("Your changes were not saved: they are still in the form below."),
            history,
            _("See their version in the history"),
            _("— then save again if your version should replace theirs."),
        )
        setattr(request, _CONFLICT, message)
        # The form comes back with the current token: a second save, on purpose, goes through.
        request.POST = request.POST.copy()
        request.POST[TOKEN_FIELD] = remember(current)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        message = getattr(request, _CONFLICT, None)
        return refusing_to_save(form, message, code="edit_conflict") if message else form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            posted = request.POST.get(TOKEN_FIELD) if request.method == "POST" else None
            # A form shown again after an error keeps the token it was opened with: a colleague's save in
            # the meantime must still be noticed at the next save.
            if not posted:
                state = snapshot_of_page(obj, context.get("inline_admin_formsets", []))
            context[TOKEN_FIELD.lstrip("_")] = posted or remember(state)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )
