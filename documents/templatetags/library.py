"""How the library describes a file to visitors: "PDF, 2,3 MB, 48 páginas, español"."""

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils.translation import get_language, gettext, ngettext

from documents.models import DocumentLanguage
from icwg_portal.choices import labels

register = template.Library()


@register.simple_tag
def file_facts(document_file):
    """Format, size (in the visitor's number format), pages and language, as one short phrase."""
    facts = [document_file.format_label, filesizeformat(document_file.size)]
    if document_file.page_count:
        facts.append(
            ngettext("%(count)s page", "%(count)s pages", document_file.page_count)
            % {"count": document_file.page_count}
        )
    facts.append(str(document_file.get_language_display()))
    return ", ".join(facts)


@register.simple_tag
def only_language(document, files):
    """The one language a document exists in, when it is not the visitor's; otherwise ""."""
    languages = {file.language for file in files} or {document.language}
    if len(languages) == 1 and get_language() not in languages:
        (language,) = languages
        return gettext("Available in %(language)s only") % {"language": labels(DocumentLanguage)[language]}
    return ""
