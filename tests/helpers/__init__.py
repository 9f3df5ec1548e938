"""What the tests share and are not tests themselves: servers, processes, cases, waiting on events.

Test modules import from here, never from each other or from ``conftest.py`` (``tests/unit/test_layout.py`` checks it);
``conftest.py`` holds only fixtures.
"""
