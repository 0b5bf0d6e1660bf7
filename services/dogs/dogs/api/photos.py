"""三5 犬只单独彩色照片正面及侧面照片: uploaded first, then referenced by the registration."""

import hashlib
import uuid
from typing import Annotated

import anyio
from fastapi import APIRouter, Request, UploadFile
from fastapi.params import File

from dogs.api.common import audit
from dogs.api.schemas import PhotoOut
from dogs.models import Photo
from dogs.rules.registration import CLAUSE
from qz_common.app import Session
from qz_common.db import get_or_404
from qz_common.errors import ProblemError
from qz_common.identity import Reader, Writer
from qz_common.logs import mask_pii

router = APIRouter(prefix="/v1/photos", tags=["registrations"])

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


@router.post("", status_code=201, summary="上传犬只照片（JPEG/PNG）")
async def upload_photo(
    request: Request, caller: Writer, session: Session, file: Annotated[UploadFile, File(description="JPEG 或 PNG")]
) -> PhotoOut:
    settings = request.app.state.settings
    data = await file.read(settings.max_photo_bytes + 1)
    if len(data) > settings.max_photo_bytes:
        raise ProblemError(
            413, "photo_too_large", f"照片不得超过 {settings.max_photo_bytes} 字节", field="file", basis=CLAUSE + "5"
        )
    content_type = _sniff(data[:8])
    if content_type is None:
        raise ProblemError(415, "photo_type", "照片须为 JPEG 或 PNG 格式", field="file", basis=CLAUSE + "5")
    photo_id = new_photo_id()
    directory = anyio.Path(settings.photo_dir)
    await directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{photo_id}.{content_type.split('/')[1]}"
    await path.write_bytes(data)
    try:
        async with session.begin():
            photo = Photo(
                id=photo_id, content_type=content_type, size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest()
            )
            session.add(photo)
            await session.flush()
            audit.record(session, caller, "upload", photo)
    except BaseException:
        await path.unlink(missing_ok=True)
        raise
    return PhotoOut.model_validate(photo)


@router.get("/{photo_id}", summary="照片元数据")
async def get_photo(photo_id: str, _caller: Reader, session: Session) -> PhotoOut:
    return PhotoOut.model_validate(await get_or_404(session, Photo, photo_id, "照片", field="photo_id"))
