"""三5 犬只单独彩色照片正面及侧面照片: uploaded first, then referenced by the registration."""

import hashlib
from typing import Annotated

from fastapi import APIRouter, Request, UploadFile
from fastapi.params import File
from sqlalchemy.ext.asyncio import AsyncSession

from dogs.api.common import commands
from dogs.api.schemas.photos import PhotoOut
from dogs.casework import photos
from dogs.models import Photo
from qz_common.app import Session
from qz_common.db import get_or_404
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Caller, Reader, Writer

router = APIRouter(prefix="/v1/photos", tags=["registrations"])


async def store_photo(
    request: Request, caller: Caller, session: AsyncSession, file: UploadFile, idempotency_key: str | None
) -> object:
    """One upload, at the window (``POST /v1/photos``) or through 浙里办 (``POST /v1/me/photos``), as one command."""
    settings = request.app.state.settings
    data = await file.read(settings.max_photo_bytes + 1)
    async with photos.photo_files(settings.photo_dir) as files:

        async def work() -> PhotoOut:
            return PhotoOut.model_validate(await photos.upload(session, caller, files, data, settings.max_photo_bytes))

        # The photo is its bytes (the file's name and declared type are not kept): a retry sends the same digest.
        digest = hashlib.sha256(data).hexdigest()
        return await commands.run(session, caller, work, request=digest, key=idempotency_key, status_code=201)


@router.post("", status_code=201, summary="上传犬只照片（JPEG/PNG）", response_model=PhotoOut)
async def upload_photo(
    request: Request,
    caller: Writer,
    session: Session,
    file: Annotated[UploadFile, File(description="JPEG 或 PNG")],
    idempotency_key: IdempotencyKey = None,
) -> object:
    return await store_photo(request, caller, session, file, idempotency_key)


@router.get("/{photo_id}", summary="照片元数据")
async def get_photo(photo_id: str, _caller: Reader, session: Session) -> PhotoOut:
    return PhotoOut.model_validate(await get_or_404(session, Photo, photo_id, "照片", field="photo_id"))
