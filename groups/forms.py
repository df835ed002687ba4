from django import forms

from groups.images import normalise_image


class NormalisedImageForm(forms.ModelForm):
    """Admin form that re-encodes a newly uploaded ``image`` (resized, metadata stripped) before it is stored."""

    def clean_image(self):
        image = self.cleaned_data.get("image")
        # Only a fresh upload carries ``content_type``; an unchanged stored file is kept as it is.
        if image and getattr(image, "content_type", None):
            return normalise_image(image)
        return image
