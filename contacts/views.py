from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from contacts.models import Contact
from groups.models import WorkingGroup

PAGE_SIZE = 50


def visible_contacts(request):
    visible_groups = WorkingGroup.objects.visible_to(request.user).values("pk")
    return Contact.objects.public().filter(group__in=visible_groups)


@require_GET
def contact_list(request):
    page = Paginator(visible_contacts(request).in_directory(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "contacts/contact_list.html", {"page": page, "contacts": page.object_list})


class MailtoRedirect(HttpResponseRedirect):
    allowed_schemes = ["mailto"]


@require_GET
def email_redirect(request, pk, index):
    """One click opens the visitor's mail program; the address itself never sits in the page's HTML."""
    contact = get_object_or_404(visible_contacts(request), pk=pk)
    addresses = contact.email_list
    if index >= len(addresses):
        raise Http404
    response = MailtoRedirect(f"mailto:{addresses[index]}")
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
