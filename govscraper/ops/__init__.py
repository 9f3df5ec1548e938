"""Running govscraper unattended: schedules, and probing a new portal for its registry entry.

* :mod:`.schedule`: which portal is due, cron and systemd units, the foreground scheduler.
* :mod:`.probe`: a portal's home page looked at once, and its registry entry written.
"""
