"""Extractors: pure functions from a page's text and URL to the model in ``govscraper.model``.

One module per platform profile (``liferay62``) plus the generic path for any portal, and the shared
content reader (``content``) that splits an article's body into paragraphs, captioned images and a byline.
"""
