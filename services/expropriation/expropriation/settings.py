from pydantic import PositiveFloat, PositiveInt
from pydantic_settings import SettingsConfigDict

from qz_common.settings import ServiceSettings


class ExpropriationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EXPROPRIATION_", extra="ignore")

    service_name: str = "expropriation"
    database_url: str = "sqlite:///var/expropriation.db"
    # Largest roster file (CSV or XLSX) accepted in one upload (413 beyond).
    max_csv_bytes: int = 20 * 1024 * 1024
    # Rows of one roster file, CSV or XLSX, up to its last row that is not blank (413 beyond): a project of some
    # 40,000 households.
    max_roster_rows: int = 200_000
    # What an XLSX roster may unpack to, all its parts together, as they declare it before anything is unpacked (413
    # beyond); and how much better than this a part of more than 1 MiB may compress (422 beyond: a zip bomb; sheets
    # of real rosters compress about 12:1).
    max_xlsx_unpacked_bytes: int = 64 * 1024 * 1024
    max_xlsx_compression_ratio: int = 100
    # Time to read one roster file (413 beyond): below the gateway's timeout for this service (10 s by default), so
    # the caseworker hears why.
    roster_read_timeout_s: float = 8.0
    # A batch quote of more households than this runs as a job (202 + /v1/jobs/{id}); smaller ones answer at once.
    batch_job_threshold: int = 200
    # Jobs queued or running in the service, all its processes together (429 job_queue_full beyond).
    job_queue_cap: PositiveInt = 8
    # Jobs one process works on at once; the others it accepted wait, queued.
    job_workers: PositiveInt = 1
    # A job's lease: renewed every third of it while its process lives; once it has run out, any process takes the job
    # over (casework/jobs.py). The longest a job waits after its process died.
    job_lease_s: PositiveFloat = 60.0
