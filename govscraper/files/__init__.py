"""Downloaded files: what their bytes really are, safe names for them, and the text of official documents.

* :mod:`.sniff`: images and documents judged by their bytes (magic numbers, Pillow), not by the server's word.
* :mod:`.documents`: the text of PDF, DOCX, XLSX, ODT/ODS and RTF attachments, for search. Pure.
* :mod:`.offload`: reading documents' text in a bounded pool of worker processes, off the crawl's reactor.
"""
