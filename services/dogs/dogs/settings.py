from pathlib import Path

from pydantic_settings import SettingsConfigDict

from qz_common.settings import ServiceSettings


class DogsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DOGS_", extra="ignore")

    service_name: str = "dogs"
    database_url: str = "sqlite:///var/dogs.db"
    # Where registration photos are stored (a mounted volume in production).
    photo_dir: Path = Path("var/dogs-photos")
    max_photo_bytes: int = 5 * 1024 * 1024
