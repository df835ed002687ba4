from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_safe

from documents import services
from documents.downloads import file_response
from documents.forms import LibraryFilterForm
from documents.models import Document, DocumentFile
from groups.models import WorkingGroup

PAGE_SIZE = 20


def visible_documents(request):
    return Document.objects.visible_to(request.user).with_list_details()


@require_GET
def document_list(request):
    documents = visible_documents(request)
    form = LibraryFilterForm(request.GET, documents)
    page_number = request.GET.get("page", "")
    # "²".isdigit() is True but int("²") fails: parse, and fall back to the first page on anything odd.
    try:
        page_number = max(1, int(page_number))
    except ValueError:
        page_number = 1
    given = request.GET.copy()
    given.pop("page", None)
    if not form.ignored and given.urlencode() != form.query_string():
        # Empty or reordered filters (a submitted form): one short, shareable address for the selection.
        canonical = form.query_string(page=page_number)
        return redirect(f"{request.path}?{canonical}" if canonical else request.path)
    page = Paginator(form.filter(documents), PAGE_SIZE).get_page(page_number)
    context = {
        "form": form,
        "page": page,
        "documents": page.object_list,
        "filters": form.descriptions(),
        "query": form.query_string(),
        "canonical_query": form.query_string(page=page.number),
    }
    return render(request, "documents/document_list.html", context)


@require_GET
def document_detail(request, slug):
    groups = WorkingGroup.objects.visible_to(request.user).with_list_details()
    documents = Document.objects.visible_to(request.user).with_page_details()
    document = get_object_or_404(
        documents.prefetch_related(Prefetch("groups", queryset=groups, to_attr="visible_groups")), slug=slug
    )
    return render(
        request,
        "documents/document_detail.html",
        {"document": document, "groups": document.visible_groups, "files": document.files_in_order()},
    )


@require_safe
def document_download(request, slug, language):
    files = DocumentFile.objects.visible_to(request.user).select_related("document")
    document_file = get_object_or_404(files, document__slug=slug, language=language)
    cache_control = "public, max-age=3600" if document_file.document.is_published else "private, no-cache"
    response = file_response(request, document_file, cache_control)
    if response.counted:
        services.record_download(document_file)
    return response
