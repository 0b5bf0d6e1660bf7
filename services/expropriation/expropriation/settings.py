from pydantic_settings import SettingsConfigDict

from qz_common.settings import ServiceSettings


class ExpropriationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EXPROPRIATION_", extra="ignore")

    service_name: str = "expropriation"
    database_url: str = "sqlite:///var/expropriation.db"
    # Largest roster CSV accepted in one upload.
    max_csv_bytes: int = 20 * 1024 * 1024
    # A batch quote of more households than this runs as a job (202 + /v1/jobs/{id}); smaller ones answer at once.
    batch_job_threshold: int = 200
