from django import template

from claims.models import Follow

register = template.Library()


@register.inclusion_tag("following/_follow_button.html", takes_context=True)
def follow_button(context, claim):
    """The claim page's follow form for a member (one query), a sign-in link for readers."""
    user = context["user"]
    following = user.is_authenticated and Follow.objects.filter(user=user, claim=claim).exists()
    return {"claim": claim, "user": user, "following": following, "request": context["request"]}
