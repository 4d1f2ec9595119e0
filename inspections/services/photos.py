"""Storing cleaned photos (safety.uploads) of inspection items, hazards and their steps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from safety.models import Organisation, User
from safety.uploads import CleanUpload, generated_name

from ..models import Photo


def store_photos(
    photos: Iterable[CleanUpload],
    *,
    actor: User,
    school: Organisation,
    prefix: str = "inspections",
    **links: Any,
) -> list[Photo]:
    """Save each upload and its thumbnail under generated names and a Photo row linked by
    `links` (item_result=, hazard=, event=). The caller checked the permission."""
    stored = []
    for upload in photos:
        extension = upload.content_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
        photo = Photo(
            school=school,
            original_name=upload.original_name,
            content_type=upload.content_type,
            uploaded_by=actor,
            **links,
        )
        photo.image.save(generated_name(prefix, extension), upload.content, save=False)
        photo.thumbnail.save(
            generated_name(f"{prefix}/thumbs", extension), upload.thumbnail, save=False
        )
        photo.save()
        stored.append(photo)
    return stored
