from expropriation.models import Base
from expropriation.settings import ExpropriationSettings
from qz_common.migrations import run_env

run_env(Base.metadata, ExpropriationSettings().database_url)
