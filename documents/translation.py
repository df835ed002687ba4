from modeltranslation.translator import TranslationOptions, register

from documents.models import Document, DocumentType


@register(DocumentType)
class DocumentTypeTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("es",)


@register(Document)
class DocumentTranslationOptions(TranslationOptions):
    fields = ("title", "summary")
    required_languages = ("es",)
