"""The expropriation service: 衢政发〔2023〕2号 衢州市区集体土地房屋征收补偿安置办法."""

from fastapi import FastAPI

from expropriation.api import (
    agreements,
    citizens,
    disputes,
    files,
    impact,
    jobs,
    ledger,
    me,
    objections,
    projects,
    quotes,
    vouchers,
)
from expropriation.books import PARAMS_DIR
from expropriation.casework.jobs import JobLimits, JobRunner
from expropriation.settings import ExpropriationSettings
from qz_common.app import create_service_app
from qz_common.settings import PlatformSettings


async def _start_jobs(app: FastAPI) -> None:
    """Jobs whose process was lost are taken over from now on (casework/jobs.py)."""
    app.state.job_runner = JobRunner(app.state.db, JobLimits.of(app.state.settings))
    app.state.job_runner.start()


async def _stop_jobs(app: FastAPI) -> None:
    await app.state.job_runner.stop()


def create_app(settings: ExpropriationSettings | None = None, platform: PlatformSettings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or ExpropriationSettings(),
        platform=platform or PlatformSettings(),
        parameter_books=PARAMS_DIR,
        title="衢州市区集体土地房屋征收补偿安置服务",
        description="衢政发〔2023〕2号：安置人口、安置面积、四种安置方式测算、临时安置费、搬迁费、奖励；项目、申报、协议、争议提存、支付、收回。",
        routers=[
            quotes.router,
            projects.router,
            files.router,
            jobs.router,
            agreements.router,
            disputes.router,
            ledger.router,
            vouchers.router,
            objections.router,
            citizens.router,
            me.router,
            impact.router,
        ],
        on_startup=_start_jobs,
        on_shutdown=_stop_jobs,
        personal_data=True,
    )
