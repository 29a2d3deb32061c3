"""Settings: ``base`` for local use, ``test`` for the suite, ``production`` for deployment."""
