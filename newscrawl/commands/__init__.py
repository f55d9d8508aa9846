"""Project commands (``COMMANDS_MODULE``): the ``crawl`` command with a meaningful exit status."""
