from django import template

from claims.caching import follows

register = template.Library()


@register.inclusion_tag("following/_follow_button.html", takes_context=True)
def follow_button(context, claim):
    """The claim page's follow form for a member, a sign-in link for readers."""
    user = context["user"]
    following = user.is_authenticated and follows(user, claim)
    return {"claim": claim, "user": user, "following": following, "request": context["request"]}
