"""The citizen's data warehouse pages (D9): the list, a download, reuse in a draft. Only the
owner sees an item; anyone else gets 404 (the item's existence is not revealed)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dossiers.models import Dossier
from dossiers.services import DossierError
from portal.audit.services import Action, record
from procedures.models import DossierComponent

from . import services

PAGE_SIZE = 30


@login_required
@require_GET
def item_list(request: HttpRequest) -> HttpResponse:
    key = services.owner_key(request.user)
    if not key:
        raise Http404(_("Only citizens and organisations have a data warehouse."))
    services.sync_digitized(key)
    items = services.items_for(request.user).order_by("-added_at", "-pk")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "archive/list.html", {"page": page, "owner_key": key})


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    item = services.item_for(request.user, pk)
    if item is None:
        raise Http404(_("No document was found."))
    content, content_type, name = services.read_item(item)
    record(Action.VIEW_PERSONAL_DATA, request=request, obj=item,
           message=f"owner downloaded warehouse item {item.pk}", changes={"item": item.pk})
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def reuse(request: HttpRequest, pk: int) -> HttpResponse:
    """Reuse an item as a paper of the applicant's own draft (or dossier to complete)."""
    dossier = get_object_or_404(Dossier, pk=pk, applicant=request.user)
    try:
        item_pk = int(request.POST.get("item", ""))
        component_pk = int(request.POST.get("component", ""))
    except ValueError:
        raise Http404 from None
    item = services.item_for(request.user, item_pk)
    component = DossierComponent.objects.filter(pk=component_pk,
                                                procedure_id=dossier.procedure_id).first()
    if item is None or component is None:
        raise Http404(_("No document was found."))
    try:
        services.reuse(item, dossier, component, by=request.user)
    except DossierError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(title)s” was added from your data warehouse.")
                         % {"title": item.title})
    target = "dossiers_citizen:draft" if dossier.state == "draft" else "dossiers_citizen:detail"
    return redirect(reverse(target, kwargs={"pk": dossier.pk}) + "#papers")
