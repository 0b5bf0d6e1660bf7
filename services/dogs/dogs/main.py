"""The dogs service: 衢执法发〔2023〕3号 实施《衢州市养犬管理条例》相关规定的通告."""

from fastapi import FastAPI

from dogs.api import adoptions, citizens, impoundments, me, photos, registrations, rules, vaccinations
from dogs.parameters import PARAMS_DIR
from dogs.settings import DogsSettings
from qz_common.app import create_service_app
from qz_common.settings import PlatformSettings


def create_app(settings: DogsSettings | None = None, platform: PlatformSettings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or DogsSettings(),
        platform=platform or PlatformSettings(),
        parameter_books=PARAMS_DIR,
        personal_data=True,
        title="衢州养犬管理服务",
        description="衢执法发〔2023〕3号：大型犬、烈性犬判定，携犬时间，养犬登记，领养，捕捉扣押，免疫记录。",
        routers=[
            rules.router,
            vaccinations.router,
            photos.router,
            registrations.router,
            adoptions.router,
            impoundments.router,
            citizens.router,
            me.router,
        ],
    )
