"""The success dashboard: the measures the digital counter is judged by, and the charts that show them.

``metrics`` computes the figures of one period (a handful of aggregate queries, no personal data),
``charts`` draws them as plain SVG on the server, ``panels`` puts a summary on the admin's home page.
"""
