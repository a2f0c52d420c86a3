"""fastcorr: exact, fast rolling statistics and correlation sweeps for cross-asset research."""

from fastcorr.rolling import rolling_corr, rolling_cov, rolling_mean, rolling_std, rolling_var

__all__ = ["rolling_corr", "rolling_cov", "rolling_mean", "rolling_std", "rolling_var"]
__version__ = "0.1.0"
