from gateway.models import Base
from gateway.settings import GatewaySettings
from qz_common.migrations import run_env

run_env(Base.metadata, GatewaySettings().database_url)
