from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from search.forms import SearchForm
from search.results import MAX_QUERY_LENGTH, PREVIEW_SIZE, Search


@require_GET
def search(request):
    """Public records matching the visitor's words, in their language: groups, documents (the text of their
    files too), organizations, contacts, activities, objectives and countries.

    Drafts never appear, for staff either: this is what visitors find. A few queries, however many match
    (search/results.py).
    """
    form = SearchForm(request.GET)
    query = form.query
    context = {
        "search_query": query,
        "kind": form.chosen_kind,
        "shortened": form.shortened,
        "max_length": MAX_QUERY_LENGTH,
        "search": Search(query, get_language(), form.chosen_kind, form.page_number) if query else None,
        "preview_size": PREVIEW_SIZE,
    }
    return render(request, "search/search.html", context)
