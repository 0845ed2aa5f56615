"""Why an upload is refused, with the limits it broke: the API answers the status in both languages."""
from __future__ import annotations

from ..limits import MAX_ATTACHMENT_BYTES, MAX_PIXELS
from ..refusal import Refusal

SERVED_MAX_SIDE = 2048         # the longest side of a photo as served
THUMBNAIL_MAX_SIDE = 320


class UploadRefused(Refusal):
    """A file refused: 413 too large, 415 of a type not allowed or not what it claims, 422 that cannot be decoded.
    Always names the field `file`."""

    def __init__(self, status: int, message: str, message_zh: str):
        super().__init__(message, message_zh, field="file", status=status)


def too_many_bytes() -> UploadRefused:
    mb = MAX_ATTACHMENT_BYTES // 2**20
    return UploadRefused(413, f"The file is larger than the limit of {mb} MB (max_bytes)",
                         f"文件超过 {mb} MB 的上限（max_bytes）")


def too_many_pixels(pixels: int | None = None) -> UploadRefused:
    mp = MAX_PIXELS // 1_000_000
    size = f" ({pixels / 1e6:.0f} MP)" if pixels else ""
    return UploadRefused(413, f"The image is larger than the limit of {mp} megapixels (max_pixels){size}",
                         f"图片超过 {mp} 百万像素的上限（max_pixels）{size}")


def undecodable(what: str, what_zh: str) -> UploadRefused:
    return UploadRefused(422, f"The file cannot be read: {what}", f"文件无法读取：{what_zh}")


def not_what_it_claims(claimed: str) -> UploadRefused:
    return UploadRefused(415, f"The file is not a {claimed} (its content is of another kind)",
                         f"文件内容不是所声明的 {claimed} 类型")


def type_not_allowed(claimed: str, allowed) -> UploadRefused:
    listed = ", ".join(allowed)
    return UploadRefused(415, f"Files of type {claimed or 'unknown'} are not accepted: send one of {listed}",
                         f"不接受 {claimed or '未知'} 类型的文件，请上传以下类型之一：{listed}")


def empty() -> UploadRefused:
    return undecodable("the file is empty (0 bytes)", "文件为空（0 字节）")


def someone_elses(attachment_id) -> Refusal:
    return Refusal(f"The id {attachment_id} is already used by another user's upload: make a new one",
                   f"编号 {attachment_id} 已被他人的上传使用，请重新生成编号", field="id", status=409)
