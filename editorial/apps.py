from django.apps import AppConfig


class EditorialConfig(AppConfig):
    """Editorial workflows that change evidence and publish claims: moderation, retraction
    re-grading, literature screening. The top layer: views and commands call it, nothing
    below imports it."""

    name = "editorial"
