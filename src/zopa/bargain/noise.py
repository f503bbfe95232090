"""Monte Carlo noise for the bargaining analyses: the engine's one policy, :mod:`zopa.noise`.

An estimate ``x`` with standard error ``s`` is *clear of the noise* when ``x > z s`` with
``z = NOISE_Z = 2``; these names are kept here so that ``zopa.bargain.noise`` imports keep working.
"""

from __future__ import annotations

from zopa.noise import NOISE, NOISE_Z, NoisePolicy, clear_of_noise, noise_sign

__all__ = ["NOISE", "NOISE_Z", "NoisePolicy", "clear_of_noise", "noise_sign"]
