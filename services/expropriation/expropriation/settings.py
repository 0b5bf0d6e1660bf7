from pydantic_settings import SettingsConfigDict

from qz_common.settings import ServiceSettings


class ExpropriationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EXPROPRIATION_", extra="ignore")

    service_name: str = "expropriation"
    database_url: str = "sqlite:///var/expropriation.db"
    # Largest roster CSV accepted in one upload.
    max_csv_bytes: int = 20 * 1024 * 1024
