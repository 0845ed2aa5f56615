"""Zip archives opened within limits: a small upload must not unpack into hundreds of megabytes (a zip bomb), nor
hold so many entries that listing them does.

What the archive declares is checked before anything is unpacked: the size of its central directory and its
number of entries (from the record at its end, before zipfile parses the directory), then the members and their
unpacked sizes. Reading enforces it again, a megabyte at a time: zipfile cuts a member at its declared size (and then
finds the CRC wrong: BadZipFile), but only after unpacking as much as it was asked for at once, and a member read
whole is asked for all of it. So a member is read in chunks, and no further than what is left of the whole; verify()
does this for every member before a reader that reads them whole (openpyxl) is let at them. The limits come from the
caller; None is no limit."""
from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass

MB = 2**20
END_OF_DIRECTORY = b"PK\x05\x06"
# signature, this disk, the directory's disk, entries on this disk, entries in all, directory size, its offset, comment
END_RECORD = struct.Struct("<4s4H2LH")
LARGEST_COMMENT = 0xFFFF
DIRECTORY_BYTES_PER_MEMBER = 1024  # an entry is 46 bytes, its name and extra fields; a name of 255 characters fits
CHUNK = MB


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int | None = None
    max_unpacked_bytes: int | None = None   # all members together


class ArchiveTooLarge(Exception):
    """The archive is beyond a limit: `limit` names it (max_archive_members, max_unpacked_bytes), with the message in
    English and Chinese."""

    def __init__(self, limit: str, message: str, message_zh: str):
        super().__init__(f"{message} / {message_zh}")
        self.limit, self.message, self.message_zh = limit, message, message_zh


def size_text(n: int) -> str:
    """Bytes as the limits are named: "100 MB", "1.5 MB", or "10,000 bytes" under a megabyte."""
    return f"{n:,} bytes" if n < MB else f"{n / MB:,.1f}".removesuffix(".0") + " MB"


def too_many_members(limit: int, found: int | None = None) -> ArchiveTooLarge:
    """More members than the limit: so many, or (from the directory's size) more."""
    holds, holds_zh = (f"{found:,} files, more", f"{found:,} 个文件，超过") if found else ("more files", "的文件超过")
    return ArchiveTooLarge("max_archive_members",
                           f"the archive holds {holds} than the limit of {limit:,} (max_archive_members)",
                           f"压缩包内{'有 ' if found else ''}{holds_zh} {limit:,} 个的上限（max_archive_members）")


def too_large(limit: int, found: int | None = None) -> ArchiveTooLarge:
    """Unpacking to more than the limit: so many bytes as declared, or (found while reading) more."""
    to, to_zh = (f"{size_text(found)}, more", f"为 {size_text(found)}，超过") if found else ("more", "超过")
    return ArchiveTooLarge("max_unpacked_bytes",
                           f"the archive unpacks to {to} than the limit of {size_text(limit)} (max_unpacked_bytes)",
                           f"压缩包解压后{to_zh} {size_text(limit)} 的上限（max_unpacked_bytes）")


class BoundedArchive:
    """A zip archive within the limits, or ArchiveTooLarge; zipfile.BadZipFile when it is no zip or is damaged."""

    def __init__(self, data: bytes, limits: ArchiveLimits):
        self.limits = limits
        _check_directory(data, limits)
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.members = self.zip.infolist()
        if limits.max_members is not None and len(self.members) > limits.max_members:
            raise too_many_members(limits.max_members, len(self.members))
        declared = sum(info.file_size for info in self.members)
        if limits.max_unpacked_bytes is not None and declared > limits.max_unpacked_bytes:
            raise too_large(limits.max_unpacked_bytes, declared)
        self.unpacked = 0

    def namelist(self) -> list[str]:
        return [info.filename for info in self.members]

    def read(self, name: str) -> bytes:
        """The member's bytes, read no further than the limit leaves of the whole."""
        return b"".join(self._chunks(name))

    def verify(self) -> None:
        """Every member unpacked (and dropped) once: each is what the archive declares (else BadZipFile) and all are
        within the limit (else ArchiveTooLarge)."""
        for info in self.members:
            for _ in self._chunks(info.filename):
                pass
        self.unpacked = 0  # nothing of it is kept

    def _chunks(self, name: str):
        limit = self.limits.max_unpacked_bytes
        with self.zip.open(name) as member:
            while chunk := member.read(CHUNK):
                self.unpacked += len(chunk)
                if limit is not None and self.unpacked > limit:
                    raise too_large(limit)
                yield chunk


def _check_directory(data: bytes, limits: ArchiveLimits) -> None:
    """The entries and the directory's size as the end record declares them (a ZIP64 archive declares the largest
    values there, which no limit admits). zipfile reads exactly the declared directory, so its size bounds the
    entries it can hold whatever count is declared."""
    if limits.max_members is None:
        return
    at = data.rfind(END_OF_DIRECTORY, max(0, len(data) - END_RECORD.size - LARGEST_COMMENT))
    if at < 0 or len(data) < at + END_RECORD.size:
        return  # no zip: zipfile says so
    _, _, _, _, entries, directory_size, _, _ = END_RECORD.unpack_from(data, at)
    if entries > limits.max_members:
        raise too_many_members(limits.max_members, entries)
    if directory_size > limits.max_members * DIRECTORY_BYTES_PER_MEMBER:
        raise too_many_members(limits.max_members)
