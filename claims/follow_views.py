"""Following a claim: follow and unfollow (htmx or plain forms), the member's list, and the
one-click unsubscribe link of the emails (no sign-in needed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from claims.models import Claim, Follow
from claims.notifications import read_unsubscribe_token


def _answer(request, claim, *, following: bool, message: str):
    if request.htmx:
        return render(
            request,
            "following/_follow_button.html",
            {"claim": claim, "following": following, "user": request.user},
        )
    messages.success(request, message)
    return redirect(f"{claim.get_absolute_url()}#follow")


@require_POST
@login_required
def follow(request, slug):
    claim = get_object_or_404(Claim.objects.published(), slug=slug)
    Follow.objects.get_or_create(user=request.user, claim=claim)
    return _answer(
        request,
        claim,
        following=True,
        message="You follow this claim: new versions are emailed to you.",
    )


@require_POST
@login_required
def unfollow(request, slug):
    claim = get_object_or_404(Claim.objects.published(), slug=slug)
    Follow.objects.filter(user=request.user, claim=claim).delete()
    return _answer(request, claim, following=False, message="You no longer follow this claim.")


@require_safe
@login_required
def following_list(request):
    follows = (
        Follow.objects.filter(user=request.user, claim__listing__isnull=False)
        .select_related("claim__listing")
        .order_by(F("claim__listing__published_at").desc(), "pk")
    )
    return render(request, "following/following_list.html", {"follows": follows})


@csrf_exempt  # The signed token is the authority; mail clients POST it without a session.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    data = read_unsubscribe_token(token)
    if data is None:
        return render(request, "following/unsubscribe.html", {"invalid": True}, status=400)
    claim = Claim.objects.filter(pk=data["claim"]).select_related("listing").first()
    follow = Follow.objects.filter(
        pk=data["follow"], user_id=data["user"], claim_id=data["claim"]
    ).first()
    context = {"claim": claim, "token": token}
    if follow is None:
        return render(request, "following/unsubscribe.html", {**context, "used": True})
    if request.method == "POST":
        follow.delete()
        return render(request, "following/unsubscribe.html", {**context, "done": True})
    return render(request, "following/unsubscribe.html", context)
