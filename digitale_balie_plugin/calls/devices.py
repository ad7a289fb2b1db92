"""A short, human name for the browser a link was opened in ("Firefox · Android"), for the clerk.

When a second device opens the citizen's join link the clerk decides whether to let it in; the name helps
them ask the citizen ("Are you now on your phone?"). Only browser family and system are kept, no version
and no full User-Agent string: it names a kind of device, never a person's particular one.
"""

from __future__ import annotations

# Order matters: many browsers name the others in their User-Agent (Edge says Chrome and Safari too).
_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome", "Chrome"),
    ("Chromium", "Chromium"),
    ("Safari", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("Macintosh", "Mac"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def _first(user_agent: str, known) -> str:
    return next((name for marker, name in known if marker in user_agent), "")


def describe(user_agent: str) -> str:
    """``"Chrome · Android"``; the part that is known, or ``""`` when nothing is."""
    user_agent = (user_agent or "")[:500]
    browser, system = _first(user_agent, _BROWSERS), _first(user_agent, _SYSTEMS)
    return " · ".join(part for part in (browser, system) if part)
