"""edunews: the command line, the demo and the Datasette plugin over crawler/, spiders/ and storage/."""

import crawler

if not hasattr(crawler, "check_layout"):
    raise ImportError(
        f"the module 'crawler' found at {crawler.__file__} is not edunews's own (another distribution's module of the "
        "same name?); install edunews in a virtualenv of its own"
    )
