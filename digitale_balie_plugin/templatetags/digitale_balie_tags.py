"""Template tags of the citizen pages: ``{% load digitale_balie_tags %}``."""

from __future__ import annotations

from django import template
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info

from digitale_balie_plugin.links import language_versions

register = template.Library()


@register.inclusion_tag("digitale_balie/includes/language_links.html", takes_context=True)
def language_switcher(context):
    """Links to this same page in every language of the site (the current one marked), for any page: a counter
    page's route, a city's own page with a counter block (``/code/``, ``/betalen/``) or a non-page view."""
    request = context.get("request")
    if request is None:
        return {"languages": []}
    current = get_language()
    return {
        "languages": [
            {
                "code": code,
                "name": capfirst(get_language_info(code)["name_local"]),
                "url": url,
                "current": code == current,
            }
            for code, url in language_versions(request, context.get("page"))
        ]
    }
