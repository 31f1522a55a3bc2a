"""The in-app inbox (D10): /thong-bao/. Every query is the signed-in user's own messages; a
message of someone else answers 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from .models import Message
from .services import forget_unread

PAGE_SIZE = 20


def _mine(request: HttpRequest) -> QuerySet[Message]:
    """The signed-in user's own messages: the only queryset these views read or change."""
    return Message.objects.filter(user_id=int(request.user.pk or 0))


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    rows = _mine(request)
    if request.GET.get("chua-doc"):
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "notifications/inbox.html",
                  {"page": page, "unread_only": bool(request.GET.get("chua-doc"))})


@login_required
@require_POST
def open_message(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one message read and follow its link (an address of this portal only)."""
    message = get_object_or_404(_mine(request), pk=pk)
    if message.read_at is None:
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(
            read_at=timezone.now())
        forget_unread(message.user_id)
    if message.link and url_has_allowed_host_and_scheme(
            message.link, allowed_hosts={request.get_host()},
            require_https=request.is_secure()):
        return HttpResponseRedirect(message.link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(_mine(request), pk=pk)
    Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
    forget_unread(message.user_id)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    _mine(request).filter(read_at__isnull=True).update(
        read_at=timezone.now())
    forget_unread(int(request.user.pk or 0))
    return redirect("notifications:inbox")
