from pydantic_settings import SettingsConfigDict

from qz_common.settings import ServiceSettings


class ScienceSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCIENCE_", extra="ignore")

    service_name: str = "science"
    database_url: str = "sqlite:///var/science.db"
