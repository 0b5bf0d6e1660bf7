from pydantic_settings import SettingsConfigDict

from qz_common.settings import ServiceSettings


class MedinsuranceSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MEDINSURANCE_", extra="ignore")

    service_name: str = "medinsurance"
    database_url: str = "sqlite:///var/medinsurance.db"
