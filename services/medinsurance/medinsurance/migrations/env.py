from medinsurance.models import Base
from medinsurance.settings import MedinsuranceSettings
from qz_common.migrations import run_env

run_env(Base.metadata, MedinsuranceSettings().database_url)
