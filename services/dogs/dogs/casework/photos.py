"""三5 犬只单独彩色照片正面及侧面照片: uploaded first, then cited by the registration."""

import hashlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from sqlalchemy.ext.asyncio import AsyncSession

from dogs.casework.common import audit
from dogs.models import Photo
from dogs.rules.registration import CLAUSE
from qz_common.errors import ProblemError
from qz_common.identity import Caller
from qz_common.logs import mask_pii

# Magic numbers: trust the bytes, not the client's Content-Type.
_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def _sniff(head: bytes) -> str | None:
    return next((kind for magic, kind in _SIGNATURES.items() if head.startswith(magic)), None)


def new_photo_id() -> str:
    """32 random hex digits that the logs show as they are.

    A photo's id stands in the paths of the access log, which masks digit runs that may be a mobile or a 身份证号
    (``qz_common.logs``). About one random id in eighty holds such a run by chance, and the log would then show a
    different id from the one the client was given; such an id is drawn again.
    """
    while True:
        photo_id = uuid.uuid4().hex
        if mask_pii(photo_id) == photo_id:
            return photo_id


class PhotoFiles:
    """The photo directory as one command writes to it (see :func:`photo_files`)."""

    def __init__(self, directory: Path) -> None:
        self.directory = anyio.Path(directory)
        self.written: list[anyio.Path] = []

    async def write(self, name: str, data: bytes) -> None:
        await self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / name
        await path.write_bytes(data)
        self.written.append(path)


@asynccontextmanager
async def photo_files(directory: Path) -> AsyncIterator[PhotoFiles]:
    """Around the command's transaction: if it fails, its commit included, the files it wrote are removed, so no
    file outlives the record that would name it."""
    files = PhotoFiles(directory)
    try:
        yield files
    except BaseException:
        for path in files.written:
            await path.unlink(missing_ok=True)
        raise


async def upload(session: AsyncSession, caller: Caller, files: PhotoFiles, data: bytes, max_bytes: int) -> Photo:
    """Store one photo: a JPEG or PNG (judged by its bytes) of at most ``max_bytes``."""
    if len(data) > max_bytes:
        raise ProblemError(413, "photo_too_large", f"照片不得超过 {max_bytes} 字节", field="file", basis=CLAUSE + "5")
    content_type = _sniff(data[:8])
    if content_type is None:
        raise ProblemError(415, "photo_type", "照片须为 JPEG 或 PNG 格式", field="file", basis=CLAUSE + "5")
    photo = Photo(
        id=new_photo_id(),
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploader_id_number=caller.citizen_id,  # through 浙里办: only they may cite it (D-22)
    )
    await files.write(f"{photo.id}.{content_type.split('/')[1]}", data)
    return await audit.add(session, caller, "upload", photo)
