"""fastcorr: exact, fast rolling statistics and correlation sweeps for cross-asset research."""

from fastcorr.ewm import EwmCorr, EwmCov, EwmMean, EwmStd, EwmVar, ewm_corr, ewm_cov, ewm_mean, ewm_std, ewm_var
from fastcorr.expanding import expanding_corr, expanding_cov, expanding_mean, expanding_std, expanding_var
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
from fastcorr.streaming import RollingCorr, RollingCov, RollingMean, RollingStd, RollingVar
from fastcorr.sweep import SweepResult, rolling_corr_matrix, rolling_corr_pairs, rolling_cov_pairs, sweep

__all__ = [
    "EwmCorr",
    "EwmCov",
    "EwmMean",
    "EwmStd",
    "EwmVar",
    "RollingCorr",
    "RollingCov",
    "RollingMean",
    "RollingStd",
    "RollingVar",
    "SweepResult",
    "annualized_return",
    "annualized_volatility",
    "composite",
    "ewm_corr",
    "ewm_cov",
    "ewm_mean",
    "ewm_std",
    "ewm_var",
    "expanding_corr",
    "expanding_cov",
    "expanding_mean",
    "expanding_std",
    "expanding_var",
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
