"""The science service: 衢市科发高〔2022〕43号, 44号 and 衢政发〔2023〕1号 items 7–16."""

from fastapi import FastAPI

from qz_common.app import create_service_app
from qz_common.settings import PlatformSettings
from science.api import credit, dossiers, enterprises, impact, institutes, rules, vouchers
from science.parameters import PARAMS_DIR
from science.settings import ScienceSettings


def create_app(settings: ScienceSettings | None = None, platform: PlatformSettings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or ScienceSettings(),
        platform=platform or PlatformSettings(),
        parameter_books=PARAMS_DIR,
        personal_data=True,
        title="衢州科技服务",
        description="市级企业研究院认定管理（衢市科发高〔2022〕43号）、科技创新券（衢市科发高〔2022〕44号）、"
        "衢政发〔2023〕1号 科技创新政策第7–16条。",
        routers=[
            rules.router,
            enterprises.router,
            institutes.router,
            vouchers.router,
            credit.router,
            dossiers.router,
            impact.router,
        ],
    )
