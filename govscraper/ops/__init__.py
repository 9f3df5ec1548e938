"""Running govscraper unattended: schedules, and probing a new portal for its registry entry.

* :mod:`.schedule`: when each portal is due (intervals, jitter, one crawl per server): pure decisions.
* :mod:`.supervisor`: the foreground scheduler, starting each due crawl as a child process.
* :mod:`.units`: the same schedule as crontab lines or systemd units, for the system's own schedulers.
* :mod:`.probe`: a portal's home page looked at once, and its registry entry written.
"""
