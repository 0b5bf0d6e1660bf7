from expropriation.models import Base
from expropriation.settings import ExpropriationSettings
from qz_common.migrations import run_env
from qz_common.pii import KeyRing
from qz_common.settings import PlatformSettings

settings = ExpropriationSettings()
run_env(
    Base.metadata, settings.database_url, lambda: KeyRing.from_settings(settings, dev_mode=PlatformSettings().dev_mode)
)
