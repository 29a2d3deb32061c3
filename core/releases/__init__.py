"""Open-data releases: immutable, versioned, checksummed snapshots of the public dataset.

* ``snapshot``: what a release holds (what an anonymous reader sees, retractions included)
  and its rows, in a stable order;
* ``tables``: the Frictionless Table Schema of each file;
* ``files``: writing the fixture, the CSV/NDJSON tables, the changelog and the package;
* ``publish``: ``publish_release()``, to the ``releases`` storage, with its ``Release`` row;
* ``verify``: ``verify_release()``, every checksum before a release is loaded.
"""

from .publish import ReleaseError, publish_release
from .verify import ReleaseCorrupt, is_release, release_fixture, verify_release

__all__ = [
    "ReleaseCorrupt",
    "ReleaseError",
    "is_release",
    "publish_release",
    "release_fixture",
    "verify_release",
]
