from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple

from groups.images import normalise_image, validate_image_upload


class BackOfficeMediaMixin:
    """Adds the back office's own styles and script (static/css/admin.css, static/js/…) to a model admin."""

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ["css/admin.css"]}, js=["js/warn-unsaved-changes.js"])


class NormalisedImageForm(forms.ModelForm):
    """Admin form that re-encodes a newly uploaded ``image`` (resized, metadata stripped) before storage."""

    def clean_image(self):
        image = self.cleaned_data.get("image")
        # Only a fresh upload carries ``content_type``; an unchanged stored file is kept as it is.
        if image and getattr(image, "content_type", None):
            # The size limit applies to what the staff member sent, not to the smaller re-encoded copy.
            validate_image_upload(image)
            return normalise_image(image)
        return image


# --- Inline rows without a query each ----------------------------------------------------------------------
# The admin's autocomplete widget looks up the chosen object again for every row it renders: a group page with
# forty memberships ran forty queries for their organizations. The rows' objects already hold their related
# objects (the inlines' querysets use select_related/prefetch_related), so the widgets label them from there.


class PreloadedAutocompleteMixin:
    preloaded = None  # {str(pk): object}, set per row by PreloadedRelationsForm

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.preloaded is None or not set(chosen) <= self.preloaded.keys():
            # Not loaded (e.g. a value just posted): let the admin's widget query it.
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for pk in dict.fromkeys(chosen):
            obj = self.preloaded[pk]
            label = self.choices.field.label_from_instance(obj)
            options.append(self.create_option(name, obj.pk, label, True, len(options)))
        return [(None, options, 0)]


class PreloadedAutocompleteSelect(PreloadedAutocompleteMixin, AutocompleteSelect):
    pass


class PreloadedAutocompleteSelectMultiple(PreloadedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


def loaded_related_objects(instance, name):
    """The objects ``instance`` already holds for relation ``name``, by primary key; None if not loaded."""
    field = instance._meta.get_field(name)
    if field.many_to_many:
        prefetched = getattr(instance, "_prefetched_objects_cache", {})
        if name not in prefetched:
            return None
        objects = list(prefetched[name])
    elif field.is_cached(instance):
        objects = [obj for obj in [getattr(instance, name)] if obj is not None]
    elif getattr(instance, field.attname) is None:
        objects = []
    else:
        return None
    return {str(obj.pk): obj for obj in objects}


class PreloadedRelationsForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            # The admin wraps the widget in a RelatedFieldWidgetWrapper (the add/change links).
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, PreloadedAutocompleteMixin):
                widget.preloaded = loaded_related_objects(self.instance, name)


class PreloadedAutocompleteInlineMixin:
    """For an inline with ``autocomplete_fields``: rows label their chosen objects without a query each.

    The inline's ``get_queryset`` must load those relations (``select_related``/``prefetch_related``).
    """

    form = PreloadedRelationsForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
