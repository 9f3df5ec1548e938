"""Where pages come from besides a portal's own lists: sitemaps and feeds, the Wayback Machine, WARC files.

* :mod:`.feeds`: sitemaps and RSS/Atom feeds, parsed safely.
* :mod:`.cdx`: the Wayback Machine's CDX index and its original-bytes addresses.
* :mod:`.warc_reader`: bounded reading of WARC files made by anyone, whatever their bytes.
* :mod:`.warc_index`: what a set of WARC files holds, by URL, to answer a crawl's requests from it.
"""
