"""Zip archives that unpack to far more than they weigh, built for the tests without holding what they unpack to, and
the memory a call takes."""
from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile

MB = 2**20
CENTRAL_ENTRY = b"PK\x01\x02"
UNPACKED_SIZE_AT = 24  # in a central directory entry: the member's declared unpacked size (4 bytes)


def zip_of(members: dict[str, bytes], zeros: dict[str, int] | None = None) -> bytes:
    """A deflated zip of the members, and of members of so many bytes of zeros (written a megabyte at a time)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, size in (zeros or {}).items():
            with archive.open(name, "w") as member:
                chunk = bytes(min(size, MB))
                for start in range(0, size, MB):
                    member.write(chunk[:size - start])
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


def declaring(data: bytes, name: str, size: int) -> bytes:
    """The archive with the central directory's unpacked size of one member changed to `size`: a lie."""
    out = bytearray(data)
    at = out.find(CENTRAL_ENTRY)
    while at >= 0:
        name_length = struct.unpack_from("<H", out, at + 28)[0]
        if out[at + 46:at + 46 + name_length].decode() == name:
            struct.pack_into("<L", out, at + UNPACKED_SIZE_AT, size)
            return bytes(out)
        at = out.find(CENTRAL_ENTRY, at + 4)
    raise KeyError(name)


def peak_megabytes(call):
    """What the call returns, and the most memory Python held at once while it ran (beyond what it held), in MB."""
    tracemalloc.start()
    try:
        answer = call()
        return answer, tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()
