"""Realistic request bodies shown in the OpenAPI document (and tried by client generators)."""

from typing import Any

# 三家综合类定点医疗机构的年度绩效考核定级：半年考核分与年度考核分，其中一家为当年新纳入定点。
GRADE_REQUEST: dict[str, Any] = {
    "category": "comprehensive",
    "institutions": [
        {"id": "H330802001", "half_year_score": 92.5, "annual_score": 94},
        {"id": "H330802017", "half_year_score": 81, "annual_score": 78.5},
        {"id": "H330803005", "half_year_score": 88, "annual_score": 90, "new_this_year": True},
    ],
    "on": "2023-12-31",
}
