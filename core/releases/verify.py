"""Before a release is loaded: every file it lists is there, whole and unchanged, and
nothing else is.

``datapackage.json`` lists each file's size and sha256; a missing file, a truncated one or
one changed by a single byte is refused here, before the database is touched. The folder
holds those files, the package and ``SHA256SUMS`` only, and ``SHA256SUMS`` is exactly what
publishing writes (one line per listed file, sorted by name, with the package's sha256):
its own sha256 is the release's checksum, so a reordered or extended one is another
release. What the
checksums cannot catch (a release whose own checksums were rewritten) the loader's checks
still do: references, quotes, evidence.
"""

import hashlib
import json
from pathlib import Path

PACKAGE = "datapackage.json"
SUMS = "SHA256SUMS"


class ReleaseCorrupt(Exception):
    """The release's files do not match its ``datapackage.json``; nothing was loaded."""


def release_folder(path: Path) -> Path:
    path = Path(path)
    return path if path.is_dir() else path.parent


def read_package(path: Path) -> dict:
    package_path = release_folder(path) / PACKAGE
    try:
        package = json.loads(package_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ReleaseCorrupt(f"{package_path}: not a readable data package: {exc}") from exc
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        raise ReleaseCorrupt(f"{package_path}: lists no resources.")
    return package


def _file_problem(folder: Path, resource: dict) -> str:
    name = resource.get("path", "")
    path = (folder / name).resolve()
    if not name or folder.resolve() not in path.parents:
        return f"{name!r}: not a file inside the release folder."
    expected_hash = str(resource.get("hash", "")).removeprefix("sha256:")
    expected_bytes = resource.get("bytes")
    if not expected_hash or expected_bytes is None:
        return f"{name}: the package gives no sha256 and size for it."
    try:
        sha, size = hashlib.sha256(), 0
        with path.open("rb") as stream:
            while block := stream.read(1 << 20):
                sha.update(block)
                size += len(block)
    except OSError as exc:
        return f"{name}: missing or unreadable: {exc.strerror or exc}."
    if size != expected_bytes:
        return (
            f"{name}: {size} bytes, but the package says {expected_bytes} (truncated or extended)."
        )
    actual = sha.hexdigest()
    if actual != expected_hash:
        return f"{name}: sha256 {actual} differs from the package's {expected_hash} (changed)."
    return ""


def _folder_problems(folder: Path, package: dict) -> list[str]:
    """Files the package does not list, and a ``SHA256SUMS`` other than publishing's."""
    hashes = {
        str(r.get("path")): str(r.get("hash", "")).removeprefix("sha256:")
        for r in package["resources"]
    }
    present = {entry.name for entry in folder.iterdir()}
    problems = [
        f"{name}: not part of the release (its datapackage.json does not list it)."
        for name in sorted(present - set(hashes) - {PACKAGE, SUMS})
    ]
    try:
        sums = (folder / SUMS).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        return [*problems, f"{SUMS}: missing or unreadable: {exc}."]
    expected = "".join(f"{hashes[name]}  {name}\n" for name in sorted(hashes))
    if sums == expected:
        return problems
    named = [line.partition("  ")[2] for line in sums.splitlines()]
    outside = [name for name in named if name not in present or "/" in name or "\\" in name]
    if outside:
        problems.append(f"{SUMS}: names files that are not in the release: {outside}.")
    elif sorted(named) == sorted(hashes) and named != sorted(named):
        problems.append(f"{SUMS}: not in the order publishing writes it (sorted by name).")
    else:
        problems.append(f"{SUMS}: does not match the release's files and their checksums.")
    return problems


def verify_release(path: Path) -> dict:
    """Check every file of the release at ``path`` (its folder or its datapackage.json).

    Returns the package; raises ``ReleaseCorrupt`` naming every bad file.
    """
    folder = release_folder(path)
    package = read_package(folder)
    problems = [_file_problem(folder, resource) for resource in package["resources"]]
    problems = [problem for problem in problems if problem]
    if not problems:  # each listed file is right: now what else the folder holds
        problems = _folder_problems(folder, package)
    if problems:
        version = package.get("version", "?")
        raise ReleaseCorrupt(
            f"Release {version} at {folder} fails its checksums:\n" + "\n".join(problems)
        )
    return package


def release_fixture(path: Path) -> Path:
    """The fixture of a verified release."""
    package = verify_release(path)
    for resource in package["resources"]:
        if resource.get("name") == "fixture":
            return release_folder(path) / resource["path"]
    raise ReleaseCorrupt(f"{release_folder(path)}: the package lists no fixture.")


def is_release(path: Path) -> bool:
    path = Path(path)
    return (path.is_dir() and (path / PACKAGE).exists()) or path.name == PACKAGE
