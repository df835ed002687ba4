from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from documents.models import Document


def visible_documents(request):
    documents = Document.objects.with_list_details()
    if not request.user.is_staff:
        documents = documents.published()
    return documents


@require_GET
def document_list(request):
    page = Paginator(visible_documents(request), 25).get_page(request.GET.get("page"))
    return render(request, "documents/document_list.html", {"page": page, "documents": page.object_list})


@require_GET
def document_detail(request, slug):
    document = get_object_or_404(visible_documents(request).prefetch_related("groups__country"), slug=slug)
    groups = [group for group in document.groups.all() if group.is_published or request.user.is_staff]
    return render(request, "documents/document_detail.html", {"document": document, "groups": groups})
