from django.shortcuts import get_object_or_404, render

from documents.models import Document


def document_detail(request, slug):
    documents = Document.objects.with_list_details().prefetch_related("groups")
    if not request.user.is_staff:
        documents = documents.published()
    document = get_object_or_404(documents, slug=slug)
    return render(request, "documents/document_detail.html", {"document": document})
