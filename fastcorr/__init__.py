"""fastcorr: exact, fast rolling statistics and correlation sweeps for cross-asset research."""

from fastcorr.metrics import (
    annualized_return,
    annualized_volatility,
    composite,
    mean_turnover,
    period_returns,
    rolling_sharpe,
    sharpe,
    turnover,
)
from fastcorr.rolling import rolling_corr, rolling_cov, rolling_mean, rolling_std, rolling_var
from fastcorr.sweep import SweepResult, rolling_corr_matrix, rolling_corr_pairs, rolling_cov_pairs, sweep

__all__ = [
    "SweepResult",
    "annualized_return",
    "annualized_volatility",
    "composite",
    "mean_turnover",
    "period_returns",
    "rolling_corr",
    "rolling_corr_matrix",
    "rolling_corr_pairs",
    "rolling_cov",
    "rolling_cov_pairs",
    "rolling_mean",
    "rolling_sharpe",
    "rolling_std",
    "rolling_var",
    "sharpe",
    "sweep",
    "turnover",
]
__version__ = "0.1.0"
