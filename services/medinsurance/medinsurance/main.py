"""The medinsurance service: 衢医保发〔2023〕8号 医药机构医疗保障定点管理暂行办法(试行)."""

from fastapi import FastAPI

from medinsurance.api import (
    agreements,
    applications,
    assessments,
    calculations,
    calculators,
    dossiers,
    evaluations,
    impact,
    institutions,
    outages,
    proxies,
    relocations,
    violations,
)
from medinsurance.parameters import PARAMS_DIR
from medinsurance.settings import MedinsuranceSettings
from qz_common.app import create_service_app
from qz_common.settings import PlatformSettings


def create_app(settings: MedinsuranceSettings | None = None, platform: PlatformSettings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or MedinsuranceSettings(),
        platform=platform or PlatformSettings(),
        parameter_books=PARAMS_DIR,
        personal_data=True,
        title="衢州医药机构医疗保障定点管理服务",
        description="衢医保发〔2023〕8号：定点申请、评估、医保协议、协议处理、代配药、视频监控、绩效考核。",
        routers=[
            calculations.router,
            calculators.router,
            institutions.router,
            assessments.router,
            impact.router,
            applications.router,
            evaluations.router,
            agreements.router,
            violations.router,
            proxies.router,
            outages.router,
            relocations.router,
            dossiers.router,
        ],
    )
