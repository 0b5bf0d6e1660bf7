from dogs.models import Base
from dogs.settings import DogsSettings
from qz_common.migrations import run_env

run_env(Base.metadata, DogsSettings().database_url)
