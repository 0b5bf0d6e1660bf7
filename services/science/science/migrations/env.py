from qz_common.migrations import run_env
from science.models import Base
from science.settings import ScienceSettings

run_env(Base.metadata, ScienceSettings().database_url)
