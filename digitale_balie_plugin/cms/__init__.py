"""The Wagtail layer: page models, StreamField blocks, admin hooks and menus.

It sits above the capabilities and is the only code that imports their views (besides the URL assembly in
``digitale_balie_plugin.urls``). A Django app of its own (label ``digitale_balie_cms``), so that the domain
models below it never import a page.
"""
